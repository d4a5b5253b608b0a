#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstdint>
#include <span>

#include "proxy/net/pipe_pool.hpp"

namespace edugate::proxy::net {

struct RelayTotals {
  std::uint64_t a_to_b = 0;
  std::uint64_t b_to_a = 0;
};

/// Copies bytes both ways between `a` and `b` until both directions have ended (an EOF on one
/// side is passed on as a half-close of the other) or nothing moved in either direction for
/// `idle`. Each direction uses its own caller-provided buffer. Never throws.
boost::asio::awaitable<RelayTotals> relay_bytes(boost::asio::ip::tcp::socket& a,
                                                boost::asio::ip::tcp::socket& b,
                                                std::span<char> buf_ab, std::span<char> buf_ba,
                                                std::chrono::milliseconds idle);

/// Same, but the bytes move with splice(2) through pipes borrowed from `pipes` per chunk: no
/// copy to user space. Falls back to copying through the buffers if a pipe cannot be had.
boost::asio::awaitable<RelayTotals> relay_bytes(boost::asio::ip::tcp::socket& a,
                                                boost::asio::ip::tcp::socket& b,
                                                std::span<char> buf_ab, std::span<char> buf_ba,
                                                std::chrono::milliseconds idle, PipePool& pipes);

}  // namespace edugate::proxy::net
