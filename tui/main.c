/*
 * main.c: orgtop's entry point. (Bootstrap: the dashboard lands with issue 5.)
 */
#include <stdio.h>
#include <string.h>

int
main(int argc, char **argv)
{
	if (argc > 1 && (strcmp(argv[1], "-V") == 0 || strcmp(argv[1], "--version") == 0)) {
		printf("orgtop %s\n", ORGTOP_VERSION);
		return 0;
	}
	fprintf(stderr, "usage: orgtop [-V]\n");
	return 2;
}
