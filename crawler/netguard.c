/* netguard.c - which addresses count as private; see netguard.h. */
#include "crawler/netguard.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <string.h>

/* IPv4 ranges, host byte order. */
static const struct {
	uint32_t net;
	int bits;
} v4_private[] = {
	{ 0x00000000, 8 },  /* 0.0.0.0/8 this network */
	{ 0x0A000000, 8 },  /* 10/8 */
	{ 0x64400000, 10 }, /* 100.64/10 CGNAT */
	{ 0x7F000000, 8 },  /* 127/8 loopback */
	{ 0xA9FE0000, 16 }, /* 169.254/16 link-local, cloud metadata */
	{ 0xAC100000, 12 }, /* 172.16/12 */
	{ 0xC0000000, 24 }, /* 192.0.0/24 IETF protocol assignments */
	{ 0xC0000200, 24 }, /* 192.0.2/24 TEST-NET-1 */
	{ 0xC0A80000, 16 }, /* 192.168/16 */
	{ 0xC6120000, 15 }, /* 198.18/15 benchmarking */
	{ 0xC6336400, 24 }, /* 198.51.100/24 TEST-NET-2 */
	{ 0xCB007100, 24 }, /* 203.0.113/24 TEST-NET-3 */
	{ 0xE0000000, 4 },  /* 224/4 multicast */
	{ 0xF0000000, 4 },  /* 240/4 reserved and broadcast */
};

static bool
v4_is_private(uint32_t a)
{
	for (size_t i = 0; i < sizeof(v4_private) / sizeof(v4_private[0]); i++) {
		uint32_t mask = 0xFFFFFFFFu << (32 - v4_private[i].bits);

		if ((a & mask) == v4_private[i].net)
			return true;
	}
	return false;
}

static uint32_t
v4_at(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static bool
v6_is_private(const unsigned char *a)
{
	static const unsigned char zero[16];
	static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	static const unsigned char nat64[12] = { 0x00, 0x64, 0xff, 0x9b };

	if (!memcmp(a, zero, 15))
		return true;                       /* :: and ::1 */
	if (!memcmp(a, mapped, 12) || !memcmp(a, nat64, 12))
		return v4_is_private(v4_at(a + 12));
	if (!memcmp(a, zero, 12))
		return true;                       /* deprecated IPv4-compatible */
	if (a[0] == 0x20 && a[1] == 0x02)
		return v4_is_private(v4_at(a + 2)); /* 6to4 2002::/16 */
	if ((a[0] & 0xfe) == 0xfc)
		return true;                       /* fc00::/7 ULA */
	if (a[0] == 0xfe && (a[1] & 0xc0) == 0x80)
		return true;                       /* fe80::/10 link-local */
	if (a[0] == 0xfe && (a[1] & 0xc0) == 0xc0)
		return true;                       /* fec0::/10 site-local */
	if (a[0] == 0xff)
		return true;                       /* multicast */
	if (a[0] == 0x20 && a[1] == 0x01 && a[2] == 0x0d && a[3] == 0xb8)
		return true;                       /* 2001:db8::/32 documentation */
	return false;
}

bool
netguard_is_private(const struct sockaddr *sa, socklen_t len)
{
	if (!sa)
		return true;
	if (sa->sa_family == AF_INET && len >= (socklen_t)sizeof(struct sockaddr_in)) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)(const void *)sa;

		return v4_is_private(ntohl(in->sin_addr.s_addr));
	}
	if (sa->sa_family == AF_INET6 && len >= (socklen_t)sizeof(struct sockaddr_in6)) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)(const void *)sa;

		return v6_is_private(in6->sin6_addr.s6_addr);
	}
	/* Unix sockets and anything else: never for a crawler. */
	return true;
}

bool
netguard_is_private_ip(const char *ip)
{
	struct sockaddr_in a4 = { .sin_family = AF_INET };
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6 };

	if (ip && inet_pton(AF_INET, ip, &a4.sin_addr) == 1)
		return netguard_is_private((struct sockaddr *)&a4, sizeof(a4));
	if (ip && inet_pton(AF_INET6, ip, &a6.sin6_addr) == 1)
		return netguard_is_private((struct sockaddr *)&a6, sizeof(a6));
	return true;
}
