#include "proxy/inspect/leaf_cache.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "proxy/inspect/leaf_certificate.hpp"

namespace edugate::proxy::inspect {

namespace asio = boost::asio;

namespace {

/// A cached leaf is replaced once less than this much of its validity is left.
constexpr auto kRefreshMargin = std::chrono::hours(24);

}  // namespace

/// A mint under way: waiters sleep on `done` until the minting session cancels it.
struct LeafCache::Pending {
  explicit Pending(asio::any_io_executor ex) : done(ex, asio::steady_timer::time_point::max()) {}
  asio::steady_timer done;
  X509Ptr cert;
};

LeafCache::LeafCache(SchoolCa ca, EvpPkeyPtr leaf_key, std::size_t capacity,
                     asio::any_io_executor executor, Metrics& metrics)
    : ca_(std::move(ca)),
      leaf_key_(std::move(leaf_key)),
      executor_(std::move(executor)),
      metrics_(metrics),
      cache_(capacity) {}

LeafCache::~LeafCache() = default;

X509Ptr LeafCache::mint(std::string_view host, SystemClock::time_point now) {
  LeafRequest r;
  r.ca_cert = ca_.cert.get();
  r.ca_key = ca_.key.get();
  r.leaf_key = leaf_key_.get();
  r.host = host;
  r.now = now;
  r.serial = random_serial();
  return mint_leaf(r);
}

asio::awaitable<X509Ptr> LeafCache::leaf_for(std::string host, SystemClock::time_point now) {
  if (Cached* c = cache_.find(host); c && now < c->minted + kLeafValidity - kRefreshMargin) {
    bump(metrics_.inspect_cache_hits);
    co_return share(c->cert.get());
  }
  if (const auto it = pending_.find(host); it != pending_.end()) {
    const std::shared_ptr<Pending> pending = it->second;  // outlives the erase by the minter
    bump(metrics_.inspect_mint_waits);
    co_await pending->done.async_wait(asio::as_tuple(asio::use_awaitable));
    co_return pending->cert ? share(pending->cert.get()) : nullptr;
  }
  const auto pending = std::make_shared<Pending>(executor_);
  pending_.emplace(host, pending);
  // Whatever happens to this coroutine, the waiters are released and the entry goes.
  struct Release {
    LeafCache& self;
    const std::string& host;
    Pending& pending;
    ~Release() {
      self.pending_.erase(host);
      pending.done.cancel();
    }
  } release{*this, host, *pending};
  co_await asio::post(executor_, asio::use_awaitable);
  X509Ptr cert = mint(host, now);
  if (!cert) {
    bump(metrics_.inspect_mint_failures);
    co_return nullptr;
  }
  bump(metrics_.inspect_mints);
  pending->cert = share(cert.get());
  cache_.put(host, Cached{share(cert.get()), now});
  co_return cert;
}

}  // namespace edugate::proxy::inspect
