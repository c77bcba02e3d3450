package dev.tokengate.assertion;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.EdECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.ECFieldFp;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.EllipticCurve;
import java.security.spec.NamedParameterSpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Arrays;
import java.util.List;
import javax.crypto.KeyAgreement;

/**
 * The public half of a private key read from PEM, which holds only the private half: the JDK computes it, never code
 * of ours doing curve arithmetic on a secret.
 */
final class PublicKeys {

    private PublicKeys() {}

    static PublicKey of(PrivateKey key) throws GeneralSecurityException {
        if (key instanceof RSAPrivateCrtKey rsa) {
            return KeyFactory.getInstance("RSA")
                    .generatePublic(new RSAPublicKeySpec(rsa.getModulus(), rsa.getPublicExponent()));
        }
        if (key instanceof ECPrivateKey ec) {
            return ofEc(ec);
        }
        if (key instanceof EdECPrivateKey ed
                && NamedParameterSpec.ED25519
                        .getName()
                        .equalsIgnoreCase(ed.getParams().getName())) {
            return ofEd25519(ed);
        }
        throw new GeneralSecurityException("a " + key.getAlgorithm()
                + " key cannot sign assertions: use an EC key on P-256, an Ed25519 key or an RSA key");
    }

    /**
     * The ECDH agreement of the private key with the curve's generator is the x of the public point; y is the square
     * root of x³ + ax + b (for the NIST prime curves, p ≡ 3 mod 4, that is a power), one of two, and the one that
     * verifies a signature of the private key is it.
     */
    private static ECPublicKey ofEc(ECPrivateKey key) throws GeneralSecurityException {
        ECParameterSpec params = key.getParams();
        EllipticCurve curve = params.getCurve();
        BigInteger p = ((ECFieldFp) curve.getField()).getP();
        if (!p.testBit(0) || !p.testBit(1)) {
            throw new GeneralSecurityException("the key's curve is not one of the NIST prime curves");
        }
        KeyFactory factory = KeyFactory.getInstance("EC");
        PublicKey generator = factory.generatePublic(new ECPublicKeySpec(params.getGenerator(), params));
        KeyAgreement agreement = KeyAgreement.getInstance("ECDH");
        agreement.init(key);
        agreement.doPhase(generator, true);
        BigInteger x = new BigInteger(1, agreement.generateSecret());
        BigInteger rhs =
                x.pow(3).add(curve.getA().multiply(x)).add(curve.getB()).mod(p);
        BigInteger y = rhs.modPow(p.add(BigInteger.ONE).shiftRight(2), p);
        for (BigInteger candidate : List.of(y, p.subtract(y))) {
            ECPublicKey publicKey =
                    (ECPublicKey) factory.generatePublic(new ECPublicKeySpec(new ECPoint(x, candidate), params));
            if (verifies(key, publicKey, "SHA256withECDSA")) {
                return publicKey;
            }
        }
        throw new GeneralSecurityException("the EC key's public point could not be found");
    }

    /** An Ed25519 private key is the 32-byte seed its key pair is generated from (RFC 8032 section 5.1.5). */
    private static PublicKey ofEd25519(EdECPrivateKey key) throws GeneralSecurityException {
        byte[] seed = key.getBytes().orElseThrow(() -> new GeneralSecurityException("the Ed25519 key hides its bytes"));
        KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
        generator.initialize(NamedParameterSpec.ED25519, new Seed(seed));
        KeyPair pair = generator.generateKeyPair();
        if (!verifies(key, pair.getPublic(), "Ed25519")) {
            throw new GeneralSecurityException("the Ed25519 key's public key could not be found");
        }
        return pair.getPublic();
    }

    private static boolean verifies(PrivateKey privateKey, PublicKey publicKey, String algorithm)
            throws GeneralSecurityException {
        byte[] message = "tokengate".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        Signature signer = Signature.getInstance(algorithm);
        signer.initSign(privateKey);
        signer.update(message);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance(algorithm);
        verifier.initVerify(publicKey);
        verifier.update(message);
        return verifier.verify(signature);
    }

    /** Gives the key generator the seed instead of random bytes. */
    private static final class Seed extends SecureRandom {

        private final byte[] seed;

        Seed(byte[] seed) {
            this.seed = seed;
        }

        @Override
        public void nextBytes(byte[] bytes) {
            if (bytes.length != seed.length) {
                throw new IllegalStateException("expected a request for " + seed.length + " bytes");
            }
            System.arraycopy(seed, 0, bytes, 0, bytes.length);
            Arrays.fill(seed, (byte) 0);
        }
    }
}
