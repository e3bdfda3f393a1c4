/* netguard.h - refusing connections to addresses a crawler must not reach.
 *
 * A feed URL or a redirect may name, or resolve to, the machine itself or
 * the private network around it (SSRF).  Checking URL strings is defeated
 * by spellings like 2130706433 and by DNS rebinding, so the check runs on
 * the resolved address libcurl is about to connect to, through
 * CURLOPT_OPENSOCKETFUNCTION, for every connection including redirects,
 * and again through CURLOPT_PREREQFUNCTION before each request, since a
 * reused connection never passes through the first. */
#ifndef ES_NETGUARD_H
#define ES_NETGUARD_H

#include <stdbool.h>
#include <sys/socket.h>

/* True when sa is loopback, private (RFC 1918), link-local, CGNAT
 * (100.64/10), "this network" (0/8), multicast, reserved (240/4),
 * broadcast, benchmarking (198.18/15), the IPv6 unspecified, loopback,
 * ULA (fc00::/7), link-local (fe80::/10), site-local or multicast ranges,
 * or an IPv4-mapped, NAT64 (64:ff9b::/96) or 6to4 address embedding one. */
bool netguard_is_private(const struct sockaddr *sa, socklen_t len);
/* The same for a numeric address as text ("127.0.0.1", "::1"); true for
 * anything that is not a numeric address. */
bool netguard_is_private_ip(const char *ip);

#endif
