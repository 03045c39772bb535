// node-opcua server exposing a small plant for client tests. Usage: node server.js <port> <pkiFolder> [certFolder]
// With certFolder (server.pem, server.key) it also offers the secure policies with Sign and SignAndEncrypt; the PKI folders
// (<pkiFolder>/server/trusted/...) are prepared by the caller.
// Prints "READY <endpointUrl>" when listening; stops when its standard input closes.
const path = require("path");
const opcua = require(path.join(process.cwd(), "node_modules", "node-opcua"));

const [, , portText, pkiFolder, certFolder] = process.argv;

async function main() {
    const serverCertificateManager = new opcua.OPCUACertificateManager({ rootFolder: path.join(pkiFolder, "server"), automaticallyAcceptUnknownCertificate: false });
    await serverCertificateManager.initialize();
    const userCertificateManager = new opcua.OPCUACertificateManager({ rootFolder: path.join(pkiFolder, "user"), automaticallyAcceptUnknownCertificate: false });
    await userCertificateManager.initialize();
    const secure = certFolder ? {
        certificateFile: path.join(certFolder, "server.pem"),
        privateKeyFile: path.join(certFolder, "server.key"),
        securityModes: [opcua.MessageSecurityMode.None, opcua.MessageSecurityMode.Sign, opcua.MessageSecurityMode.SignAndEncrypt],
        securityPolicies: [opcua.SecurityPolicy.None, opcua.SecurityPolicy.Basic256Sha256, opcua.SecurityPolicy.Aes128_Sha256_RsaOaep, opcua.SecurityPolicy.Aes256_Sha256_RsaPss],
    } : {
        securityModes: [opcua.MessageSecurityMode.None],
        securityPolicies: [opcua.SecurityPolicy.None],
    };
    const server = new opcua.OPCUAServer({
        ...secure,
        port: parseInt(portText, 10),
        hostname: "127.0.0.1",
        alternateHostname: ["127.0.0.1"],
        serverCertificateManager,
        userCertificateManager,
        allowAnonymous: true,
        userManager: { isValidUser: (user, password) => user === "operator" && password === "op-secret" },
        serverInfo: { applicationUri: "urn:node-opcua:peer:server", productUri: "urn:node-opcua:peer" },
        buildInfo: { productName: "node-opcua peer" },
    });
    await server.initialize();
    const addressSpace = server.engine.addressSpace;
    const ns = addressSpace.getOwnNamespace();
    const plant = ns.addFolder(addressSpace.rootFolder.objects, { nodeId: "s=Plant", browseName: "Plant" });
    ns.addVariable({ componentOf: plant, nodeId: "s=Plant.Temperature", browseName: "Temperature", dataType: "Double", value: { dataType: opcua.DataType.Double, value: 21.5 } });
    let setpoint = 20;
    ns.addVariable({
        componentOf: plant, nodeId: "s=Plant.Setpoint", browseName: "Setpoint", dataType: "Double", minimumSamplingInterval: 50,
        accessLevel: "CurrentRead | CurrentWrite", userAccessLevel: "CurrentRead | CurrentWrite",
        value: {
            get: () => new opcua.Variant({ dataType: opcua.DataType.Double, value: setpoint }),
            set: (v) => { setpoint = v.value; return opcua.StatusCodes.Good; },
        },
    });
    const add = ns.addMethod(plant, {
        nodeId: "s=Plant.Add", browseName: "Add",
        inputArguments: [{ name: "a", dataType: opcua.DataType.Double }, { name: "b", dataType: opcua.DataType.Double }],
        outputArguments: [{ name: "sum", dataType: opcua.DataType.Double }],
    });
    add.bindMethod((inputs, context, callback) => {
        callback(null, { statusCode: opcua.StatusCodes.Good, outputArguments: [{ dataType: opcua.DataType.Double, value: inputs[0].value + inputs[1].value }] });
    });
    await server.start();
    console.log("READY " + server.getEndpointUrl());
    process.stdin.resume();
    process.stdin.on("end", async () => { await server.shutdown(0); process.exit(0); });
}

main().catch((e) => { console.error("FAILED " + (e && e.stack ? e.stack : e)); process.exit(1); });
