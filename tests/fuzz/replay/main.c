/* tests/fuzz/replay/main.c - run a fuzz target without libFuzzer: every
 * file in the corpora given (the seeds from tests/data and the inputs
 * that once crashed a target, kept in tests/fuzz/regress/NAME/) goes
 * through LLVMFuzzerTestOneInput once.  Built with the ordinary compiler
 * (and under SANITIZE=1 with the sanitizers), so make check replays what
 * fuzzing found.  Ends with "N passed, 0 failed"; a crash is a sanitizer
 * report and a non-zero exit, which tests/run counts as a failure.
 *
 *   replay DIR|FILE...
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned long runs;

static int
one(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	if (!f)
		return -1;
	if (fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
		fclose(f);
		return -1;
	}
	if (!(buf = malloc((size_t)n + 1)) ||
	    fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		fclose(f);
		return -1;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(buf, (size_t)n);
	free(buf);
	runs++;
	return 0;
}

static int
walk(const char *path, int depth)
{
	struct stat st;
	DIR *d;
	struct dirent *e;
	char sub[4096];
	int bad = 0;

	if (stat(path, &st))
		return 0;               /* an optional corpus */
	if (!S_ISDIR(st.st_mode))
		return one(path) ? 1 : 0;
	if (depth > 4 || !(d = opendir(path)))
		return 0;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
		bad += walk(sub, depth + 1);
	}
	closedir(d);
	return bad;
}

int
main(int argc, char **argv)
{
	int i, bad = 0;

	for (i = 1; i < argc; i++)
		bad += walk(argv[i], 0);
	printf("replayed %lu inputs\n", runs);
	printf("%lu passed, %d failed\n", runs, bad);
	return bad ? 1 : 0;
}
