#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>

namespace edugate::rules::update {

/// Writes all of `bytes` to the open descriptor `fd` (retrying short writes and EINTR).
bool write_all(int fd, std::string_view bytes);

/// Replaces `path` with `bytes` so that a reader — or the next start after a crash or a power
/// loss — sees the old file or the new, never a part: a temporary file beside it (created with
/// `mode`, never through a symbolic link left at its name), fsync, rename, fsync of the
/// directory. False with `error` set (naming the file) on failure; the temporary is removed.
bool write_durably(const std::string& path, std::string_view bytes, mode_t mode,
                   std::string& error);

}  // namespace edugate::rules::update
