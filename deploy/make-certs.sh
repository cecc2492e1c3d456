#!/bin/sh
# The compose `certs` job: at first start, a private CA and the OpenSearch node's HTTP
# certificate, so that the API and the indexer verify the cluster (OPENSEARCH_VERIFY_CERTS=true,
# OPENSEARCH_CA_CERTS). It writes two volumes:
#   $NODE_DIR (opensearch-tls, for OpenSearch only): node.pem, node-key.pem (0600), root-ca.pem
#   $CA_DIR   (talent-ca, for the clients):           root-ca.pem
# The CA's private key is deleted once the node certificate is signed, so nothing can sign
# another certificate this CA vouches for. Certificates that exist are kept; to renew, remove
# both volumes (`docker compose down` then `docker volume rm talent-search_opensearch-tls
# talent-search_talent-ca`) and start again.
# The tests' secured OpenSearch node (tests/integration/secure_engine.py) runs this script too,
# with NODE_DIR=CA_DIR=its config directory, so one openssl recipe serves both; its
# plugins.security.nodes_dn is the node certificate's subject (CN=opensearch).
set -eu
NODE_DIR="${NODE_DIR:-/certs/node}"
CA_DIR="${CA_DIR:-/certs/ca}"
NODE_UID="${NODE_UID:-1000}"  # the opensearch user of the OpenSearch image
NODE_NAMES="${NODE_NAMES:-DNS:opensearch,DNS:localhost,IP:127.0.0.1}"
CERT_DAYS="${CERT_DAYS:-825}"

if [ -s "$NODE_DIR/node.pem" ] && [ -s "$NODE_DIR/node-key.pem" ] && [ -s "$CA_DIR/root-ca.pem" ]; then
  echo "certificates already in $NODE_DIR and $CA_DIR: kept"
  exit 0
fi
umask 077
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cat >"$work/openssl.cnf" <<CNF
[req]
distinguished_name = dn
prompt = no
[dn]
CN = unused
[ca]
basicConstraints = critical,CA:TRUE,pathlen:0
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[node]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth,clientAuth
subjectAltName = $NODE_NAMES
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
CNF
cd "$work"
openssl req -x509 -config openssl.cnf -extensions ca -newkey rsa:3072 -nodes \
  -keyout ca-key.pem -out root-ca.pem -days "$CERT_DAYS" -subj "/CN=talent-search compose CA"
openssl req -new -config openssl.cnf -newkey rsa:3072 -nodes \
  -keyout node-key.pem -out node.csr -subj "/CN=opensearch"
openssl x509 -req -in node.csr -CA root-ca.pem -CAkey ca-key.pem -CAcreateserial \
  -out node.pem -days "$CERT_DAYS" -extfile openssl.cnf -extensions node
openssl verify -CAfile root-ca.pem node.pem

mkdir -p "$NODE_DIR" "$CA_DIR"
cp node.pem root-ca.pem node-key.pem "$NODE_DIR/"
cp root-ca.pem "$CA_DIR/"
chmod 0644 "$NODE_DIR/node.pem" "$NODE_DIR/root-ca.pem" "$CA_DIR/root-ca.pem"
chmod 0600 "$NODE_DIR/node-key.pem"
chmod 0755 "$NODE_DIR" "$CA_DIR"
if [ "$(id -u)" = 0 ]; then
  chown "$NODE_UID" "$NODE_DIR/node-key.pem"
fi
echo "new CA and node certificate ($NODE_NAMES) in $NODE_DIR; CA certificate in $CA_DIR"
