package dev.tokengate.clientaddress;

/** The header that the trusted proxies in front of the gateway append the client's address to. */
public enum ClientAddressHeader {
    /** {@code X-Forwarded-For: client, proxy1}: nginx, HAProxy, cloud load balancers. */
    X_FORWARDED_FOR("X-Forwarded-For"),
    /** RFC 7239 {@code Forwarded: for=client, for=proxy1}. */
    FORWARDED("Forwarded");

    private final String headerName;

    ClientAddressHeader(String headerName) {
        this.headerName = headerName;
    }

    public String headerName() {
        return headerName;
    }
}
