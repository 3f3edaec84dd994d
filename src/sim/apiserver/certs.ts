import { generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';

/**
 * ServingCerts is a throw-away PKI for one simulator run, as kubeadm makes for a cluster: a CA, and a
 * serving certificate it signed for the addresses the API server answers on. The CA goes into the
 * kubeconfig (`certificate-authority-data`) so kubectl and every client verify the server.
 */
export interface ServingCerts {
  readonly caPem: string;
  readonly certPem: string;
  readonly keyPem: string;
}

/**
 * generateServingCerts makes a CA and a server certificate for `hosts` (IP addresses and DNS names,
 * as subjectAltName entries), valid from an hour ago for a year. Keys are RSA 2048 made by
 * node:crypto; node-forge only assembles and signs the certificates (node:crypto cannot issue them).
 */
export function generateServingCerts(hosts: readonly string[]): ServingCerts {
  const keyPair = (): { privateKey: string; publicKey: string } => generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
  const validity = (cert: forge.pki.Certificate): void => {
    cert.serialNumber = `01${randomBytes(8).toString('hex')}`;
    cert.validity.notBefore = new Date(Date.now() - 3_600_000);
    cert.validity.notAfter = new Date(Date.now() + 365 * 86_400_000);
  };
  const ca = keyPair();
  const caKey = forge.pki.privateKeyFromPem(ca.privateKey);
  const caCert = forge.pki.createCertificate();
  caCert.publicKey = forge.pki.publicKeyFromPem(ca.publicKey);
  validity(caCert);
  const caName = [{ name: 'commonName', value: 'rollscope-sim-ca' }];
  caCert.setSubject(caName);
  caCert.setIssuer(caName);
  caCert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  caCert.sign(caKey, forge.md.sha256.create());

  const server = keyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(server.publicKey);
  validity(cert);
  cert.setSubject([{ name: 'commonName', value: 'kube-apiserver' }]);
  cert.setIssuer(caName);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: hosts.map((h) => (/^[\d.]+$|:/.test(h) ? { type: 7, ip: h } : { type: 2, value: h })) },
  ]);
  cert.sign(caKey, forge.md.sha256.create());
  return { caPem: forge.pki.certificateToPem(caCert), certPem: forge.pki.certificateToPem(cert), keyPem: server.privateKey };
}
