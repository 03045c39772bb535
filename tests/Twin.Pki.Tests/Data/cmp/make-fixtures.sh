#!/bin/sh
# Regenerates the CMP fixtures in this folder: every message is written by openssl (client and its
# mock server, `openssl cmp -port`), so the codec tests decode bytes PlantTrust did not produce.
# Usage: ./make-fixtures.sh   (needs openssl 3.x with `cmp`; writes *.der and the PEM material here)
set -eu
cd "$(dirname "$0")"
work=$(mktemp -d)
trap 'kill $mock 2>/dev/null || true; rm -rf "$work"' EXIT
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$work/ca.key" -out ca.pem \
  -subj "/CN=Fixture CA" -days 36500 -addext basicConstraints=critical,CA:true -addext keyUsage=critical,digitalSignature,keyCertSign,cRLSign 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ee.key -out "$work/ee.csr" -subj "/CN=fixture-device" 2>/dev/null
printf 'subjectAltName=URI:urn:fixture:device\n' > "$work/ext"
openssl x509 -req -in "$work/ee.csr" -CA ca.pem -CAkey "$work/ca.key" -set_serial 0x1001 -days 36500 -extfile "$work/ext" -out ee.pem 2>/dev/null
openssl req -new -key ee.key -subj "/CN=fixture-device" -outform DER -out p10.csr.der 2>/dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
openssl cmp -port "$port" -srv_ref 4711 -srv_secret pass:fixture-secret -srv_cert ca.pem -srv_key "$work/ca.key" \
  -rsp_cert ee.pem -rsp_capubs ca.pem -srv_trusted ca.pem -no_check_time >"$work/mock.log" 2>&1 &
mock=$!
sleep 1
common="-server 127.0.0.1:$port -path pkix/ -recipient /CN=Fixture\ CA -srvcert ca.pem"
# ir with MAC protection (PasswordBasedMac, as openssl sends it), then certConf / pkiConf
openssl cmp -cmd ir -server 127.0.0.1:$port -path pkix/ -ref 4711 -secret pass:fixture-secret -recipient "/CN=Fixture CA" \
  -newkey ee.key -subject "/CN=fixture-device" -sans "urn:fixture:device" -certout "$work/c.pem" \
  -reqout ir-mac.der,certconf-mac.der -rspout ip-mac.der,pkiconf-mac.der
# cr with signature protection and extraCerts
openssl cmp -cmd cr -server 127.0.0.1:$port -path pkix/ -cert ee.pem -key ee.key -trusted ca.pem -srvcert ca.pem \
  -newkey ee.key -subject "/CN=fixture-device" -certout "$work/c.pem" -reqout cr-sig.der,certconf-sig.der -rspout cp-sig.der,pkiconf-sig.der
# kur with signature, implicit confirm requested
openssl cmp -cmd kur -server 127.0.0.1:$port -path pkix/ -cert ee.pem -key ee.key -trusted ca.pem -srvcert ca.pem \
  -newkey ee.key -implicit_confirm -certout "$work/c.pem" -reqout kur-sig.der -rspout kup-sig.der || true
# p10cr
openssl cmp -cmd p10cr -server 127.0.0.1:$port -path pkix/ -cert ee.pem -key ee.key -trusted ca.pem -srvcert ca.pem \
  -csr p10.csr.der -certout "$work/c.pem" -reqout p10cr-sig.der,certconf-p10.der -rspout p10cp-sig.der,pkiconf-p10.der
# rr (keyCompromise)
openssl cmp -cmd rr -server 127.0.0.1:$port -path pkix/ -cert ee.pem -key ee.key -trusted ca.pem -srvcert ca.pem \
  -oldcert ee.pem -revreason 1 -reqout rr-sig.der -rspout rp-sig.der
# genm without and with an info type
openssl cmp -cmd genm -server 127.0.0.1:$port -path pkix/ -ref 4711 -secret pass:fixture-secret -recipient "/CN=Fixture CA" \
  -reqout genm-mac.der -rspout genp-mac.der || true
openssl cmp -cmd genm -server 127.0.0.1:$port -path pkix/ -cert ee.pem -key ee.key -trusted ca.pem -srvcert ca.pem \
  -infotype signKeyPairTypes -reqout genm-sig.der -rspout genp-sig.der || true
echo "fixtures written"
