package dev.tokengate.assertion;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.util.Arrays;
import java.util.Map;

/**
 * A key assertions are signed with: its algorithm, its public half as the JWK it is published as (whose {@code kid}
 * each assertion names), and a signer.
 */
record SigningKey(SigningAlgorithm algorithm, JWK publicJwk, JWSSigner signer) {

    String id() {
        return publicJwk.getKeyID();
    }

    /**
     * @param id the {@code kid}; the RFC 7638 thumbprint when null
     * @param random what ECDSA draws its nonces from: made and seeded once, so that signing on an event loop never
     *     waits on the system's entropy
     */
    static SigningKey of(PrivateKey privateKey, String id, SecureRandom random) throws GeneralSecurityException {
        return of(new KeyPair(PublicKeys.of(privateKey), privateKey), id, random);
    }

    static SigningKey of(KeyPair pair, String id, SecureRandom random) throws GeneralSecurityException {
        PublicKey publicKey = pair.getPublic();
        try {
            if (publicKey instanceof ECPublicKey ec) {
                if (ec.getParams().getCurve().getField().getFieldSize() != 256) {
                    throw new GeneralSecurityException("an EC key must be on P-256 to sign ES256");
                }
                ECDSASigner signer = new ECDSASigner((ECPrivateKey) pair.getPrivate());
                signer.getJCAContext().setSecureRandom(random);
                JWK jwk = published(new ECKey.Builder(Curve.P_256, ec).build(), SigningAlgorithm.ES256, id);
                return new SigningKey(SigningAlgorithm.ES256, jwk, signer);
            }
            if (publicKey instanceof RSAPublicKey rsa) {
                if (rsa.getModulus().bitLength() < 2048) {
                    throw new GeneralSecurityException("an RSA key must have 2048 bits or more");
                }
                JWK jwk = published(new RSAKey.Builder(rsa).build(), SigningAlgorithm.RS256, id);
                return new SigningKey(SigningAlgorithm.RS256, jwk, new RSASSASigner(pair.getPrivate()));
            }
            if (publicKey.getAlgorithm().equals("Ed25519")
                    || publicKey.getAlgorithm().equals("EdDSA")) {
                byte[] encoded = publicKey.getEncoded(); // SubjectPublicKeyInfo: the raw 32-byte key comes last
                Base64URL x = Base64URL.encode(Arrays.copyOfRange(encoded, encoded.length - 32, encoded.length));
                JWK jwk = published(new OctetKeyPair.Builder(Curve.Ed25519, x).build(), SigningAlgorithm.EdDSA, id);
                return new SigningKey(SigningAlgorithm.EdDSA, jwk, new Ed25519JwsSigner(pair.getPrivate()));
            }
        } catch (JOSEException e) {
            throw new GeneralSecurityException(e.getMessage(), e);
        }
        throw new GeneralSecurityException("a " + publicKey.getAlgorithm() + " key cannot sign assertions");
    }

    /** The public JWK as it is published: with its use, its algorithm and its {@code kid}. */
    private static JWK published(JWK key, SigningAlgorithm algorithm, String id) throws JOSEException {
        Map<String, Object> json = key.toJSONObject();
        json.put("kid", id != null ? id : key.computeThumbprint().toString());
        json.put("use", KeyUse.SIGNATURE.identifier());
        json.put("alg", algorithm.jws().getName());
        try {
            return JWK.parse(json);
        } catch (ParseException e) {
            throw new JOSEException(e.getMessage(), e);
        }
    }
}
