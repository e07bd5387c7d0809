/* SPDX-License-Identifier: MIT */
/*
 * The example applications' usage texts: --help and -h print the text on
 * stdout and exit 0 before anything else happens; a usage error prints it
 * on stderr and exits 2.
 */
#ifndef APP_USAGE_H
#define APP_USAGE_H

/**
 * app_help_asked() - whether the command line asks for help: --help or -h
 * among @argv[1..@argc-1], before a "--".
 * @argc: as main()'s.
 * @argv: as main()'s, or from a mode's name on (nvme-rw bench).
 *
 * Return: 1 or 0.
 */
int app_help_asked(int argc, char **argv);

/**
 * app_usage() - print a usage text and give the exit status.
 * @text: the usage: "usage: NAME ..." synopsis lines, a blank line, what
 *	the program does and its options; ending in "\n".
 * @asked: nonzero for --help/-h: all of @text on stdout, status 0; zero
 *	for a usage error: the synopsis and "(NAME --help describes the
 *	options)" on stderr, status 2.
 *
 * Return: the exit status, for "return app_usage(usage, 0);".
 */
int app_usage(const char *text, int asked);

#endif /* APP_USAGE_H */
