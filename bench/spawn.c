/* spawn.c — start one program and measure it as a whole process (bench/run.py)
 *
 * Copyright 2026 The SMTP Client authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: spawn RESULT_FILE PROGRAM [ARGUMENT…]
 *
 * Runs PROGRAM (searched in PATH) with the standard streams it was given, waits for it with
 * wait4 () and writes one line to RESULT_FILE:
 *   <start_us> <wall_us> <maxrss_kib> <exit code, or 128 + signal>
 * start_us is CLOCK_MONOTONIC just before the fork, in microseconds (the clock of
 * g_get_monotonic_time () and of Python's time.monotonic ()); wall_us is from then to the
 * end of the wait.
 *
 * Why not Python's subprocess: Linux carries a process's peak RSS over fork () and execve ()
 * (ru_maxrss keeps the high-water mark of the memory the process had before the exec, and a
 * vfork () child's is its parent's), so every program started by the Python runner would show
 * at least the runner's own peak. This launcher is small, so what it hands down is too.
 * bench/run.py compiles it into its temporary folder with cc.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long
now_us (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (long long) ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int
main (int argc, char **argv)
{
  struct rusage usage;
  long long start, end;
  int status, code;
  pid_t pid;
  FILE *out;

  if (argc < 3)
    {
      fprintf (stderr, "usage: spawn RESULT_FILE PROGRAM [ARGUMENT…]\n");
      return 2;
    }

  start = now_us ();
  pid = fork ();
  if (pid < 0)
    {
      perror ("spawn: fork");
      return 2;
    }
  if (pid == 0)
    {
      execvp (argv[2], argv + 2);
      fprintf (stderr, "spawn: %s: %s\n", argv[2], strerror (errno));
      _exit (127);
    }
  while (wait4 (pid, &status, 0, &usage) < 0)
    {
      if (errno != EINTR)
        {
          perror ("spawn: wait4");
          return 2;
        }
    }
  end = now_us ();

  code = WIFEXITED (status) ? WEXITSTATUS (status) : 128 + WTERMSIG (status);
  out = fopen (argv[1], "w");
  if (out == NULL)
    {
      perror (argv[1]);
      return 2;
    }
  fprintf (out, "%lld %lld %ld %d\n", start, end - start, usage.ru_maxrss, code);
  if (fclose (out) != 0)
    {
      perror (argv[1]);
      return 2;
    }
  return 0;
}
