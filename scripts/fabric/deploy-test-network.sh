#!/usr/bin/env bash
# Deploys the Public Data Ledger chaincode as a service on fabric-samples' test-network and
# writes the ledger service's connection configuration for Org1.
#
#   FABRIC_SAMPLES=<path to fabric-samples> scripts/fabric/deploy-test-network.sh
#
# Needs Docker and the Fabric binaries of fabric-samples (install-fabric.sh). The endorsement
# policy requires both organisations' peers, as the rulebook expects every organisation to
# endorse.
set -euo pipefail
here="$(cd "$(dirname "$0")/../.." && pwd)"
: "${FABRIC_SAMPLES:?set FABRIC_SAMPLES to your fabric-samples checkout}"
channel="${PDL_FABRIC_CHANNEL:-pdl}"
name="${PDL_FABRIC_CHAINCODE:-pdl}"
network="$FABRIC_SAMPLES/test-network"

(cd "$here" && npm run build:chaincode)

cd "$network"
./network.sh up createChannel -c "$channel" -ca
./network.sh deployCCAAS -c "$channel" -ccn "$name" -ccp "$here/chaincode" \
  -ccep "AND('Org1MSP.peer','Org2MSP.peer')"

org1="$network/organizations/peerOrganizations/org1.example.com"
user="$org1/users/User1@org1.example.com/msp"
config="$here/deploy/fabric/org1.json"
cat > "$config" <<JSON
{
  "backend": "fabric",
  "fabric": {
    "peerEndpoint": "localhost:7051",
    "hostAlias": "peer0.org1.example.com",
    "tlsCertPath": "$org1/peers/peer0.org1.example.com/tls/ca.crt",
    "mspId": "Org1MSP",
    "certPath": "$(ls "$user"/signcerts/*.pem | head -n 1)",
    "keyPath": "$(ls "$user"/keystore/* | head -n 1)",
    "channel": "$channel",
    "chaincode": "$name"
  }
}
JSON
echo "chaincode $name deployed on channel $channel; start the service with:"
echo "  LEDGER_CONFIG=$config npm start"
