package org.mailpulse.webhook.delivery;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import org.mailpulse.webhook.WebhookConfig;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.List;

/**
 * The SSRF guard: an endpoint must be https (http only where allowed) and its host must resolve only to public
 * addresses, unless inside a configured allowed network. Checked when an endpoint is created or changed and again
 * before every attempt, on the DNS answer of that moment; the attempt then connects to the address checked, so a
 * name that changes its answer in between (DNS rebinding) cannot reach an internal service.
 */
@ApplicationScoped
public class TargetGuard {

    /** The URL and the checked address to connect to. */
    public record Target(URI uri, String host, int port, boolean tls, InetAddress address) {
    }

    public static class RefusedTarget extends RuntimeException {
        public RefusedTarget(String message) {
            super(message);
        }
    }

    private static final List<Network> FORBIDDEN = List.of(
            Network.parse("0.0.0.0/8"), Network.parse("10.0.0.0/8"), Network.parse("100.64.0.0/10"), Network.parse("127.0.0.0/8"),
            Network.parse("169.254.0.0/16"), Network.parse("172.16.0.0/12"), Network.parse("192.0.0.0/24"),
            Network.parse("192.168.0.0/16"), Network.parse("198.18.0.0/15"), Network.parse("224.0.0.0/3"),
            Network.parse("::/128"), Network.parse("::1/128"), Network.parse("fc00::/7"), Network.parse("fe80::/10"),
            Network.parse("ff00::/8"), Network.parse("64:ff9b::/96"));

    private final boolean allowHttp;
    private final List<Network> allowed;

    public TargetGuard(WebhookConfig config) {
        this.allowHttp = config.allowHttp();
        this.allowed = config.allowedNetworks().orElse(List.of()).stream().map(Network::parse).toList();
    }

    /** The URL's form alone (scheme, host, no credentials), without resolving it. */
    public URI parse(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new RefusedTarget("url is not a valid URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase();
        if (!scheme.equals("https") && !(allowHttp && scheme.equals("http"))) {
            throw new RefusedTarget(allowHttp ? "url must be http or https" : "url must be https");
        }
        if (uri.getHost() == null || uri.getHost().isBlank()) {
            throw new RefusedTarget("url must name a host");
        }
        if (uri.getRawUserInfo() != null) {
            throw new RefusedTarget("url must not hold credentials");
        }
        if (uri.getRawFragment() != null) {
            throw new RefusedTarget("url must not have a fragment");
        }
        return uri;
    }

    /** Resolves the URL's host (on a worker thread: the JDK resolver blocks) and checks every address of the answer. */
    public Uni<Target> check(String url) {
        URI uri = parse(url);
        String host = uri.getHost().startsWith("[") ? uri.getHost().substring(1, uri.getHost().length() - 1) : uri.getHost();
        boolean tls = uri.getScheme().equalsIgnoreCase("https");
        int port = uri.getPort() > 0 ? uri.getPort() : tls ? 443 : 80;
        return Uni.createFrom().item(() -> resolve(host))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .map(addresses -> {
                    for (InetAddress address : addresses) {
                        if (forbidden(address)) {
                            throw new RefusedTarget("url's host " + host + " resolves to a non-public address (" + address.getHostAddress() + ")");
                        }
                    }
                    return new Target(uri, host, port, tls, addresses[0]);
                });
    }

    private boolean forbidden(InetAddress address) {
        if (allowed.stream().anyMatch(network -> network.contains(address))) {
            return false;
        }
        return address.isAnyLocalAddress() || address.isLoopbackAddress() || address.isLinkLocalAddress()
                || address.isSiteLocalAddress() || address.isMulticastAddress()
                || FORBIDDEN.stream().anyMatch(network -> network.contains(address))
                || address instanceof Inet6Address v6 && embeddedV4Forbidden(v6);
    }

    // ::ffff:a.b.c.d is mapped to Inet4Address by the JDK; IPv4-compatible ::a.b.c.d is not
    private boolean embeddedV4Forbidden(Inet6Address address) {
        byte[] bytes = address.getAddress();
        for (int i = 0; i < 12; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        try {
            return forbidden(Inet4Address.getByAddress(java.util.Arrays.copyOfRange(bytes, 12, 16)));
        } catch (UnknownHostException e) {
            return true;
        }
    }

    private static InetAddress[] resolve(String host) {
        try {
            return InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            throw new RefusedTarget("url's host " + host + " does not resolve");
        }
    }

    /** An address block, e.g. 10.0.0.0/8 or fd00::/8. */
    record Network(byte[] prefix, int bits) {

        static Network parse(String cidr) {
            int slash = cidr.indexOf('/');
            try {
                byte[] prefix = InetAddress.getByName(slash < 0 ? cidr : cidr.substring(0, slash)).getAddress();
                int bits = slash < 0 ? prefix.length * 8 : Integer.parseInt(cidr.substring(slash + 1).trim());
                return new Network(prefix, bits);
            } catch (UnknownHostException | NumberFormatException e) {
                throw new IllegalArgumentException("Not a network in CIDR form: " + cidr);
            }
        }

        boolean contains(InetAddress address) {
            byte[] bytes = address.getAddress();
            if (bytes.length != prefix.length) {
                return false;
            }
            for (int bit = 0; bit < bits; bit++) {
                int mask = 0x80 >> (bit % 8);
                if ((bytes[bit / 8] & mask) != (prefix[bit / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }
    }
}
