/** Plain words for the file system errors a user or their machine causes. */
const ERRNO_REASONS: Readonly<Record<string, string>> = {
  ENOENT: "no such file or folder",
  EEXIST: "already exists",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EROFS: "the file system is read-only",
  ENOSPC: "no space left on the device",
  EDQUOT: "the disk quota is exceeded",
  EISDIR: "is a folder, not a file",
  ENOTDIR: "a part of the path is not a folder",
  ENAMETOOLONG: "the file name is too long",
  ELOOP: "too many symbolic links",
  EMFILE: "too many open files",
  EBUSY: "the file is busy",
  EXDEV: "cannot move a file across file systems",
  EPIPE: "the output was closed before everything was written (EPIPE)",
  EIO: "input/output error",
};

/**
 * A file system error (`EACCES`, `ENOSPC`, `EISDIR`…) in one line: the path, plain words and the
 * system call; undefined for anything else.
 */
export function describeFileSystemError(e: unknown): { message: string; path?: string } | undefined {
  const errno = e as NodeJS.ErrnoException;
  if (typeof errno?.code !== "string" || ERRNO_REASONS[errno.code] === undefined) return undefined;
  const where = errno.path !== undefined ? `${errno.path}: ` : "";
  const action = errno.syscall !== undefined && errno.path !== undefined ? ` (${errno.syscall}, ${errno.code})` : "";
  return { message: `${where}${ERRNO_REASONS[errno.code]}${action}`, path: errno.path };
}
