// Proxy auto-configuration for browsers on the school network, served by edugate at
// /proxy.pac and /wpad.dat. {{proxy}} and {{direct}} are filled in from etc/edugate.yaml (pac:).
// There is deliberately no "DIRECT" fallback after the proxy: if edugate is down, pages do not
// load unfiltered.
function FindProxyForURL(url, host) {
  if (isPlainHostName(host) || host === "localhost" || shExpMatch(host, "127.*"))
    return "DIRECT";
{{direct}}
  return "PROXY {{proxy}}";
}
