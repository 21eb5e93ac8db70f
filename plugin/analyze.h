/* analyze: the `audisp-elfwatch --analyze` triage CLI: judge files and, recursively, directories
 * with the same engine as the plugin; one line per ELF file on stdout (JSON, ECS JSON, or text
 * with a summary after it), counts on stderr. */
#ifndef ELFWATCH_ANALYZE_H
#define ELFWATCH_ANALYZE_H

/* argv[0..argc) are the arguments after --analyze: paths and options
 *   --xdev, --one-file-system  stay on each path's file system (default)
 *   --cross-fs                 descend into other file systems
 *   --format text|json|kv|ecs  output format (default: text on a terminal, else json)
 *   --min-severity LEVEL       print only files whose severity >= LEVEL (default: every ELF)
 *   --hash all|flagged|none    SHA-256 of every ELF file, of files with a finding >= low
 *                              (default: flagged; clean files then cost only their headers)
 *   --no-hash                  same as --hash none
 *   --exec-hint                treat every ET_DYN as an executable candidate
 *   --                         end of options
 * Symlinks are never followed (a symlink named on the command line is skipped and counted).
 * Returns the exit status: 0 nothing reached medium, 1 something did (even if there were errors:
 * a hit is never masked), 2 usage or I/O errors and nothing reached medium. */
int analyze_main(int argc, char **argv);

#endif
