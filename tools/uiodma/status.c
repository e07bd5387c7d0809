// SPDX-License-Identifier: MIT
/*
 * 'uiodma status': collect the devices, their IOVA modes, the IOMMU, module
 * and hugepage state, and print them as text or JSON.  The printers are plain functions over
 * struct status so the unit tests can run them on synthetic data.
 */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <uiodma.h>

#include "cli.h"
#include "commands.h"
#include "json.h"
#include "size.h"
#include "status.h"
#include "sysfs.h"

static int cmp_param(const void *a, const void *b)
{
	return strcmp(a, b);	/* name is the first member */
}

void read_module(struct module_state *m, const char *dir)
{
	char path[PATH_MAX];
	struct dirent *de;
	DIR *d;

	memset(m, 0, sizeof(*m));
	if (access(dir, F_OK))
		return;
	m->loaded = 1;
	snprintf(path, sizeof(path), "%s/version", dir);
	read_line(path, m->version, sizeof(m->version));
	snprintf(path, sizeof(path), "%s/parameters", dir);
	d = opendir(path);
	if (!d)
		return;
	while ((de = readdir(d)) && m->nparams < MAX_PARAMS) {
		char p[PATH_MAX];

		if (de->d_name[0] == '.')
			continue;
		if (strlen(de->d_name) >= sizeof(m->params[0].name) ||
		    strlen(path) + strlen(de->d_name) + 2 > sizeof(p))
			continue;
		memcpy(m->params[m->nparams].name, de->d_name,
		       strlen(de->d_name) + 1);
		memcpy(p, path, strlen(path));
		p[strlen(path)] = '/';
		memcpy(p + strlen(path) + 1, de->d_name, strlen(de->d_name) + 1);
		if (read_line(p, m->params[m->nparams].value,
			      sizeof(m->params[m->nparams].value)))
			continue;
		m->nparams++;
	}
	closedir(d);
	qsort(m->params, (size_t)m->nparams, sizeof(m->params[0]), cmp_param);
}

static int translates(const char *type)
{
	return !strcmp(type, "DMA") || !strcmp(type, "DMA-FQ");
}

void iova_mode_text(const struct ud_dev_info *d, const char *group_type,
		    const char *in_use, char *buf, size_t len)
{
	const char *a = d->addr;

	if (!strcmp(d->driver, "vfio-pci"))
		snprintf(buf, len, "VA (vfio-pci)");
	else if (!strcmp(d->driver, "uio_dma") || !strcmp(d->driver, "igb_uio") ||
		 !strcmp(d->driver, "uio_pci_generic"))
		snprintf(buf, len, "PA (%s)", d->driver);
	else if (in_use && *in_use)
		snprintf(buf, len, "in use by the host (%s): stop that use "
			 "before binding it (uiodma bind refuses it until then)",
			 in_use);
	else if (!*group_type)
		snprintf(buf, len, "PA with uiodma bind %s (no IOMMU group: "
			 "vfio-pci needs an IOMMU)", a);
	else if (translates(group_type))
		snprintf(buf, len, "VA with uiodma bind --driver vfio-pci %s (PA "
			 "needs iommu=pt)", a);
	else
		snprintf(buf, len, "PA with uiodma bind %s, or VA with uiodma "
			 "bind --driver vfio-pci %s", a, a);
}

const char *iommu_default_mode(const struct iommu_state *s)
{
	return s->translating && !s->identity ? "VA" : "PA";
}

static void read_iommu(struct iommu_state *s)
{
	char path[PATH_MAX], type[32];
	struct dirent *de;
	DIR *d = opendir("/sys/kernel/iommu_groups");

	memset(s, 0, sizeof(*s));
	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.' || strlen(de->d_name) > 32)
			continue;
		snprintf(path, sizeof(path), "/sys/kernel/iommu_groups/%s/type",
			 de->d_name);
		if (read_line(path, type, sizeof(type)))
			continue;
		s->translating += translates(type);
		s->identity += !strcmp(type, "identity");
	}
	if (d)
		closedir(d);
}

int collect_status(struct status *st)
{
	memset(st, 0, sizeof(*st));
	if (ud_dev_list(&st->devs, &st->ndevs, 0))
		return -1;
	st->users = calloc(st->ndevs ? st->ndevs : 1, sizeof(*st->users));
	st->in_use = calloc(st->ndevs ? st->ndevs : 1, sizeof(*st->in_use));
	st->modes = calloc(st->ndevs ? st->ndevs : 1, sizeof(*st->modes));
	if (!st->users || !st->in_use || !st->modes)
		return -1;
	read_iommu(&st->iommu);
	for (size_t i = 0; i < st->ndevs; i++) {
		char path[PATH_MAX], type[32] = "";

		ud_dev_users(st->devs[i].addr, st->users[i], sizeof(st->users[i]));
		if (ud_dev_in_use(st->devs[i].addr, st->in_use[i],
				  sizeof(st->in_use[i])) <= 0)
			st->in_use[i][0] = '\0';
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/iommu_group/type",
			 st->devs[i].addr);
		if (read_line(path, type, sizeof(type)) && st->devs[i].iommu_group >= 0)
			snprintf(type, sizeof(type), "DMA");	/* unreadable: assume it translates */
		iova_mode_text(&st->devs[i], type, st->in_use[i], st->modes[i],
			       sizeof(st->modes[i]));
	}
	read_module(&st->mod, "/sys/module/uio_dma");
	if (!st->mod.loaded)
		st->mod.installed = ud_module_state("uio_dma", st->mod.fix,
						    sizeof(st->mod.fix)) ==
				    UD_MODULE_INSTALLED;
	st->hp_ok = ud_hp_discover(&st->hp) == 0;
	return 0;
}

void free_status(struct status *st)
{
	free(st->devs);
	free(st->users);
	free(st->in_use);
	free(st->modes);
}

/* One device line of the text status. */
static void print_dev_line(FILE *f, const struct ud_dev_info *d,
			   const char *users)
{
	char uio[16] = "-", intr[32] = "-";

	if (d->uio_minor >= 0)
		snprintf(uio, sizeof(uio), "uio%d", d->uio_minor);
	if (*d->intr_mode)
		snprintf(intr, sizeof(intr), "%s x%u", d->intr_mode, d->intr_vectors);
	fprintf(f, "  %-12s  %04x:%04x  %06x  %-16s %-6s %-12s %4d  %s\n",
		d->addr, d->vendor, d->device, d->class_code,
		*d->driver ? d->driver : "-", uio, intr, d->numa_node,
		users && *users ? users : "-");
}

int print_status_text(FILE *f, const struct status *st)
{
	static const enum ud_dev_category order[] = {
		UD_CAT_NETWORK, UD_CAT_STORAGE, UD_CAT_OTHER,
	};
	static const char *const titles[] = {
		"Network devices", "Storage devices", "Other devices",
	};

	for (int k = 0; k < 3; k++) {
		int any = 0;

		fprintf(f, "%s\n", titles[k]);
		for (size_t i = 0; i < st->ndevs; i++) {
			if (ud_dev_category(st->devs[i].class_code) != order[k])
				continue;
			if (!any)
				fprintf(f, "  %-12s  %-9s  %-6s  %-16s %-6s %-12s %4s  %s\n",
					"ADDRESS", "ID", "CLASS", "DRIVER", "UIO",
					"INTERRUPTS", "NUMA", "KERNEL USE");
			any = 1;
			print_dev_line(f, &st->devs[i], st->users ? st->users[i] : NULL);
		}
		if (!any)
			fprintf(f, "  (none)\n");
		fprintf(f, "\n");
	}
	fprintf(f, "IOMMU: ");
	if (!st->iommu.translating && !st->iommu.identity)
		fprintf(f, "none translates DMA: memory runs in PA mode (devices "
			"on uio_dma); VA mode needs an IOMMU (intel_iommu=on, "
			"amd_iommu=on) and vfio-pci\n");
	else if (st->iommu.identity)
		fprintf(f, "passthrough (%d identity groups, iommu=pt): PA mode on "
			"uio_dma, or VA mode on vfio-pci\n", st->iommu.identity);
	else
		fprintf(f, "translates DMA by default (%d groups of type DMA or "
			"DMA-FQ): memory runs in VA mode (devices on vfio-pci); PA "
			"mode needs iommu=pt\n", st->iommu.translating);
	for (size_t i = 0; st->modes && i < st->ndevs; i++)
		fprintf(f, "  %-12s  %s\n", st->devs[i].addr, st->modes[i]);
	fprintf(f, "\n");
	fprintf(f, "uio_dma module: ");
	if (!st->mod.loaded) {
		fprintf(f, "not loaded%s%s%s\n", *st->mod.fix ? " (" : "",
			st->mod.fix, *st->mod.fix ? ")" : "");
	} else {
		fprintf(f, "loaded%s%s%s\n", *st->mod.version ? " (version " : "",
			st->mod.version, *st->mod.version ? ")" : "");
		for (int i = 0; i < st->mod.nparams; i++)
			fprintf(f, "  %s=%s\n", st->mod.params[i].name,
				st->mod.params[i].value);
	}
	fprintf(f, "\n");
	if (!st->hp_ok) {
		fprintf(f, "Hugepages: none (the kernel has no hugetlb support)\n");
	} else {
		fprintf(f, "Hugepages\n");
		for (int s = 0; s < st->hp.n_sizes; s++) {
			const struct ud_hp_size_info *z = &st->hp.sizes[s];
			char sz[24];

			fmt_size(sz, sizeof(sz), z->page_size);
			fprintf(f, "  %-4s%s  total %lu  free %lu  reserved %lu  surplus %lu\n",
				sz, z->is_default ? " (default)" : "", z->nr, z->free,
				z->resv, z->surplus);
			for (int n = 0; n < z->n_nodes; n++)
				fprintf(f, "        node %d: total %lu  free %lu\n",
					z->nodes[n].node, z->nodes[n].nr, z->nodes[n].free);
		}
		for (int m = 0; m < st->hp.n_mounts; m++) {
			char sz[24];

			fmt_size(sz, sizeof(sz), st->hp.mounts[m].page_size);
			fprintf(f, "  mount %s (%s)\n", st->hp.mounts[m].path, sz);
		}
		if (!st->hp.n_mounts)
			fprintf(f, "  no hugetlbfs mount (mount -t hugetlbfs none /dev/hugepages)\n");
	}
	return ferror(f) ? -1 : 0;
}

void json_dev(FILE *f, const struct ud_dev_info *d, const char *users,
	      const char *in_use)
{
	char hex[16];

	fputs("{\"address\":", f);
	json_str(f, d->addr);
	fprintf(f, ",\"vendor\":\"%04x\",\"device\":\"%04x\",\"class\":\"%06x\",\"category\":",
		d->vendor, d->device, d->class_code);
	json_str(f, ud_dev_category_name(ud_dev_category(d->class_code)));
	fputs(",\"driver\":", f);
	json_str(f, *d->driver ? d->driver : NULL);
	fputs(",\"driver_override\":", f);
	json_str(f, *d->driver_override ? d->driver_override : NULL);
	fprintf(f, ",\"numa_node\":%d,\"iommu_group\":", d->numa_node);
	if (d->iommu_group >= 0)
		fprintf(f, "%d", d->iommu_group);
	else
		fputs("null", f);
	fputs(",\"uio\":", f);
	if (d->uio_minor >= 0) {
		snprintf(hex, sizeof(hex), "uio%d", d->uio_minor);
		json_str(f, hex);
	} else {
		fputs("null", f);
	}
	fputs(",\"intr_mode\":", f);
	json_str(f, *d->intr_mode ? d->intr_mode : NULL);
	fputs(",\"intr_vectors\":", f);
	if (*d->intr_mode)
		fprintf(f, "%u", d->intr_vectors);
	else
		fputs("null", f);
	fprintf(f, ",\"msi\":%s,\"msi_vectors\":%u,\"msix\":%s,\"msix_vectors\":%u,\"reset\":%s,\"kernel_use\":",
		d->has_msi ? "true" : "false", d->msi_vectors,
		d->has_msix ? "true" : "false", d->msix_vectors,
		d->has_reset ? "true" : "false");
	json_str(f, users ? users : "");
	fputs(",\"in_use_by_host\":", f);
	json_str(f, in_use && *in_use ? in_use : NULL);
	fputc('}', f);
}

int print_status_json(FILE *f, const struct status *st)
{
	fputs("{\"devices\":[", f);
	for (size_t i = 0; i < st->ndevs; i++) {
		if (i)
			fputc(',', f);
		json_dev(f, &st->devs[i], st->users ? st->users[i] : NULL,
			 st->in_use ? st->in_use[i] : NULL);
	}
	fprintf(f, "],\"iommu\":{\"translating_groups\":%d,\"identity_groups\":%d,"
		"\"default_iova_mode\":\"%s\",\"iova_modes\":{", st->iommu.translating,
		st->iommu.identity, iommu_default_mode(&st->iommu));
	for (size_t i = 0; st->modes && i < st->ndevs; i++) {
		if (i)
			fputc(',', f);
		json_str(f, st->devs[i].addr);
		fputc(':', f);
		json_str(f, st->modes[i]);
	}
	fprintf(f, "}},\"module\":{\"name\":\"uio_dma\",\"loaded\":%s,\"installed\":%s,\"fix\":",
		st->mod.loaded ? "true" : "false",
		st->mod.loaded || st->mod.installed ? "true" : "false");
	json_str(f, !st->mod.loaded && *st->mod.fix ? st->mod.fix : NULL);
	fputs(",\"version\":", f);
	json_str(f, st->mod.loaded && *st->mod.version ? st->mod.version : NULL);
	fputs(",\"parameters\":{", f);
	for (int i = 0; i < st->mod.nparams; i++) {
		if (i)
			fputc(',', f);
		json_str(f, st->mod.params[i].name);
		fputc(':', f);
		json_str(f, st->mod.params[i].value);
	}
	fputs("}},\"hugepages\":{\"sizes\":[", f);
	for (int s = 0; st->hp_ok && s < st->hp.n_sizes; s++) {
		const struct ud_hp_size_info *z = &st->hp.sizes[s];

		if (s)
			fputc(',', f);
		fprintf(f, "{\"page_size\":%zu,\"default\":%s,\"total\":%lu,\"free\":%lu,\"reserved\":%lu,\"surplus\":%lu,\"nodes\":[",
			z->page_size, z->is_default ? "true" : "false", z->nr,
			z->free, z->resv, z->surplus);
		for (int n = 0; n < z->n_nodes; n++)
			fprintf(f, "%s{\"node\":%d,\"total\":%lu,\"free\":%lu}",
				n ? "," : "", z->nodes[n].node, z->nodes[n].nr,
				z->nodes[n].free);
		fputs("]}", f);
	}
	fputs("],\"mounts\":[", f);
	for (int m = 0; st->hp_ok && m < st->hp.n_mounts; m++) {
		fprintf(f, "%s{\"path\":", m ? "," : "");
		json_str(f, st->hp.mounts[m].path);
		fprintf(f, ",\"page_size\":%zu}", st->hp.mounts[m].page_size);
	}
	fputs("]}}\n", f);
	return ferror(f) ? -1 : 0;
}

int cmd_status(const struct cli *c)
{
	struct status st;
	int r;

	if (collect_status(&st)) {
		cmd_fail("status");
		free_status(&st);
		return 1;
	}
	r = c->json ? print_status_json(stdout, &st) : print_status_text(stdout, &st);
	free_status(&st);
	return r ? 1 : 0;
}
