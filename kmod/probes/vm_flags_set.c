// SPDX-License-Identifier: GPL-2.0
/* Linux 6.3 made vma->vm_flags read-only: set flags with vm_flags_set(). */
#include <linux/mm.h>

void probe(struct vm_area_struct *vma);
void probe(struct vm_area_struct *vma)
{
	vm_flags_set(vma, VM_IO);
}
