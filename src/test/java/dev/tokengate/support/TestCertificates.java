package dev.tokengate.support;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificate authorities and the certificates they sign, made when a test runs (nothing is checked in): EC P-256
 * keys, valid from an hour ago for two days. A server certificate names its host names and addresses; every
 * certificate may serve as a server's or a client's.
 */
public final class TestCertificates {

    private static final AtomicLong SERIALS = new AtomicLong(System.currentTimeMillis());
    private static final String SIGNATURE = "SHA256withECDSA";

    private TestCertificates() {}

    /** A new certificate authority named {@code CN=name}. */
    public static Authority authority(String name) {
        KeyPair keys = newKeys();
        X500Name subject = new X500Name("CN=" + name);
        try {
            X509v3CertificateBuilder builder = builder(subject, subject, keys, Duration.ofDays(2))
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            return new Authority(keys, sign(builder, keys));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A certificate authority and the key it signs with. */
    public record Authority(KeyPair keys, X509Certificate certificate) {

        /** A certificate for {@code CN=commonName}, naming each of {@code hostNames} (a name or an IP address). */
        public Issued issue(String commonName, String... hostNames) {
            return issue(commonName, Duration.ofDays(2), hostNames);
        }

        /** The same, valid for {@code validity} from an hour ago: a negative one has already expired. */
        public Issued issue(String commonName, Duration validity, String... hostNames) {
            KeyPair leafKeys = newKeys();
            try {
                X509v3CertificateBuilder builder = builder(
                                new X500Name(
                                        certificate.getSubjectX500Principal().getName()),
                                new X500Name("CN=" + commonName),
                                leafKeys,
                                validity)
                        .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                        .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                        .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(new KeyPurposeId[] {
                            KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth
                        }));
                if (hostNames.length > 0) {
                    builder.addExtension(Extension.subjectAlternativeName, false, alternativeNames(hostNames));
                }
                return new Issued(leafKeys, sign(builder, keys), this);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Writes the authority's certificate as PEM: a trust bundle's {@code certificate}. */
        public Path writePem(Path file) {
            write(file, pem(certificate));
            return file;
        }

        /** A TLS client context that trusts this authority only. */
        public SSLContext trustingClient() {
            return context(null, this);
        }
    }

    /** A certificate, its key, and who signed it. */
    public record Issued(KeyPair keys, X509Certificate certificate, Authority issuer) {

        /** Writes the certificate and its PKCS#8 key as PEM files, the key first (a watcher sees the pair change). */
        public void writePem(Path certificateFile, Path keyFile) {
            try {
                write(keyFile, pem(new JcaPKCS8Generator(keys.getPrivate(), null)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            write(certificateFile, pem(certificate));
        }

        /** The certificate alone, as PEM. */
        public String certificatePem() {
            return pem(certificate);
        }

        /** The hexadecimal SHA-256 of the certificate's DER encoding, as {@code openssl x509 -fingerprint} shows it. */
        public String sha256() {
            try {
                return HexFormat.of()
                        .formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        /** A TLS client context that presents this certificate and trusts {@code server}'s authority. */
        public SSLContext presentingTo(Authority server) {
            return context(this, server);
        }
    }

    private static X509v3CertificateBuilder builder(
            X500Name issuer, X500Name subject, KeyPair keys, Duration validity) {
        Instant from = Instant.now().minus(Duration.ofHours(1));
        Instant until = validity.isNegative() ? from.plus(Duration.ofMinutes(1)) : from.plus(validity);
        return new JcaX509v3CertificateBuilder(
                issuer,
                BigInteger.valueOf(SERIALS.incrementAndGet()),
                Date.from(from),
                Date.from(until),
                subject,
                keys.getPublic());
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair signer) {
        try {
            return new JcaX509CertificateConverter()
                    .getCertificate(builder.build(new JcaContentSignerBuilder(SIGNATURE).build(signer.getPrivate())));
        } catch (OperatorCreationException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static GeneralNames alternativeNames(String... hostNames) {
        GeneralName[] names = new GeneralName[hostNames.length];
        for (int i = 0; i < hostNames.length; i++) {
            boolean address = hostNames[i].chars().allMatch(c -> Character.isDigit(c) || c == '.' || c == ':');
            names[i] = new GeneralName(address ? GeneralName.iPAddress : GeneralName.dNSName, hostNames[i]);
        }
        return new GeneralNames(names);
    }

    private static KeyPair newKeys() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static SSLContext context(Issued presented, Authority trusted) {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("authority", trusted.certificate());
            TrustManagerFactory trustManagers =
                    TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trustManagers.init(trust);
            KeyManagerFactory keyManagers = null;
            if (presented != null) {
                char[] password = "test-only".toCharArray();
                KeyStore identity = KeyStore.getInstance("PKCS12");
                identity.load(null, null);
                identity.setKeyEntry("client", presented.keys().getPrivate(), password, new X509Certificate[] {
                    presented.certificate(), presented.issuer().certificate()
                });
                keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                keyManagers.init(identity, password);
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(
                    keyManagers == null
                            ? null
                            : new KeyManager[] {
                                new AlwaysPresenting(
                                        (X509ExtendedKeyManager) keyManagers.getKeyManagers()[0])
                            },
                    trustManagers.getTrustManagers(),
                    null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Presents its one certificate whatever the server says it trusts, and whether or not it is still valid: the
     * JDK's own key manager would quietly present none instead, as a well-behaved client does, but an attacker does not.
     */
    private static final class AlwaysPresenting extends X509ExtendedKeyManager {

        private final X509ExtendedKeyManager keys;

        AlwaysPresenting(X509ExtendedKeyManager keys) {
            this.keys = keys;
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return "client";
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
            return "client";
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return new String[] {"client"};
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return null;
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return keys.getCertificateChain(alias);
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return keys.getPrivateKey(alias);
        }
    }

    private static String pem(Object object) {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(object);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
