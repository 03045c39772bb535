// node-opcua 2.157.0 server with push certificate management (node-opcua-server-configuration), for our push client.
// Usage (working directory tests/peers/gds): node gds-server.js <port> <pkiFolder>
// <pkiFolder> is node-opcua's certificate manager folder: own/certs/certificate.pem, own/private/private_key.pem,
// trusted/{certs,crl}, issuers/{certs,crl}. User "admin" / "admin-secret" holds SecurityAdmin; only Basic256Sha256
// SignAndEncrypt is offered. Prints "READY <endpointUrl>"; stops when its standard input closes.
const path = require("path");
const opcua = require(path.join(process.cwd(), "node_modules", "node-opcua"));
const { installPushCertificateManagementOnServer } = require(path.join(process.cwd(), "node_modules", "node-opcua-server-configuration"));

const [, , portText, pkiFolder] = process.argv;

async function main() {
    const serverCertificateManager = new opcua.OPCUACertificateManager({ rootFolder: pkiFolder, automaticallyAcceptUnknownCertificate: false });
    await serverCertificateManager.initialize();
    const server = new opcua.OPCUAServer({
        port: parseInt(portText, 10),
        hostname: "127.0.0.1",
        alternateHostname: ["127.0.0.1"],
        serverCertificateManager,
        certificateFile: path.join(pkiFolder, "own", "certs", "certificate.pem"),
        privateKeyFile: path.join(pkiFolder, "own", "private", "private_key.pem"),
        securityModes: [opcua.MessageSecurityMode.None, opcua.MessageSecurityMode.SignAndEncrypt],
        securityPolicies: [opcua.SecurityPolicy.None, opcua.SecurityPolicy.Basic256Sha256],
        allowAnonymous: false,
        userManager: {
            isValidUser: (user, password) => user === "admin" && password === "admin-secret",
            getUserRoles: (user) => opcua.makeRoles(user === "admin" ? [opcua.WellKnownRoles.AuthenticatedUser, opcua.WellKnownRoles.SecurityAdmin] : [opcua.WellKnownRoles.AuthenticatedUser]),
        },
        serverInfo: { applicationUri: "urn:node-opcua:peer:server", productUri: "urn:node-opcua:peer" },
    });
    await server.initialize();
    await installPushCertificateManagementOnServer(server);
    await server.start();
    console.log("READY " + server.getEndpointUrl());
    process.stdin.resume();
    process.stdin.on("end", async () => { await server.shutdown(0); process.exit(0); });
}

main().catch((e) => { console.error("FAILED " + (e && e.stack ? e.stack : e)); process.exit(1); });
