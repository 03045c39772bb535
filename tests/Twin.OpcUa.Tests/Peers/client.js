// node-opcua client driven against a server under test.
// Usage: node client.js <endpointUrl> <policy> <mode> <certFolder|-> [user password]
// policy: None, Basic256Sha256, Aes128_Sha256_RsaOaep, Aes256_Sha256_RsaPss; mode: None, Sign, SignAndEncrypt.
// certFolder holds client.pem and client.key (the client's application instance certificate);
// user "x509" signs in with certFolder/user.der and user.key instead of a password.
// Prints one JSON line with what it saw; exits non-zero with the error on failure.
const path = require("path");
const opcua = require(path.join(process.cwd(), "node_modules", "node-opcua"));

const [, , endpointUrl, policy, mode, certFolder, user, password] = process.argv;

function withTimeout(promise, ms, what) {
    return Promise.race([promise, new Promise((_, reject) => setTimeout(() => reject(new Error(what + " timed out")), ms))]);
}

async function main() {
    const result = {};
    const options = {
        endpointMustExist: false,
        securityMode: opcua.MessageSecurityMode[mode],
        securityPolicy: opcua.SecurityPolicy[policy],
        connectionStrategy: { maxRetry: 0, initialDelay: 100, maxDelay: 200 },
        requestedSessionTimeout: 60000,
        keepSessionAlive: false,
    };
    if (certFolder !== "-") {
        options.certificateFile = path.join(certFolder, "client.pem");
        options.privateKeyFile = path.join(certFolder, "client.key");
        options.applicationUri = "urn:planttrust:test:node-client";
        options.clientCertificateManager = new opcua.OPCUACertificateManager({ rootFolder: path.join(certFolder, "pki"), automaticallyAcceptUnknownCertificate: true });
    }
    const client = opcua.OPCUAClient.create(options);
    client.on("backoff", () => { throw new Error("connection refused"); });
    await client.connect(endpointUrl);
    const fs = require("fs");
    const identity = user === "x509"
        ? { type: opcua.UserTokenType.Certificate, certificateData: fs.readFileSync(path.join(certFolder, "user.der")), privateKey: fs.readFileSync(path.join(certFolder, "user.key"), "utf8") }
        : user ? { type: opcua.UserTokenType.UserName, userName: user, password } : undefined;
    let session;
    try {
        session = await client.createSession(identity);
    } catch (e) {
        result.sessionError = e.message;
        await client.disconnect();
        console.log(JSON.stringify(result));
        return;
    }
    result.namespaces = await session.readNamespaceArray();

    const objects = await session.browse("i=85");
    result.objects = objects.references.map((r) => r.browseName.toString());
    const plant = await session.browse({ nodeId: "ns=2;s=Plant", referenceTypeId: "HierarchicalReferences", includeSubtypes: true, browseDirection: opcua.BrowseDirection.Forward, resultMask: 63 });
    result.plant = plant.references.map((r) => r.browseName.toString());

    const translated = await session.translateBrowsePath(opcua.makeBrowsePath("i=85", "/2:Plant/2:Temperature"));
    result.translateStatus = translated.statusCode.name;
    result.translated = translated.targets ? translated.targets.map((t) => t.targetId.toString()) : [];

    const reads = await session.read([
        { nodeId: "ns=2;s=Plant.Temperature", attributeId: opcua.AttributeIds.Value },
        { nodeId: "i=2259", attributeId: opcua.AttributeIds.Value },
        { nodeId: "i=2256", attributeId: opcua.AttributeIds.Value },
        { nodeId: "ns=2;s=Plant.Temperature", attributeId: opcua.AttributeIds.DataType },
        { nodeId: "ns=2;s=Nope", attributeId: opcua.AttributeIds.Value },
        { nodeId: "ns=2;s=Plant.OperatorOnly", attributeId: opcua.AttributeIds.Value },
    ]);
    result.operatorOnly = { status: reads[5].statusCode.name, value: reads[5].value.value };
    result.temperature = reads[0].value.value;
    result.state = reads[1].value.value;
    result.serverStatusProduct = reads[2].value.value && reads[2].value.value.buildInfo ? reads[2].value.value.buildInfo.productName : null;
    result.dataType = reads[3].value.value.toString();
    result.unknownStatus = reads[4].statusCode.name;
    // Part 6 §6.7.2.4: a request and a response of several chunks each (4,000 reads, over 100 KB each way).
    const many = await session.read(Array.from({ length: 4000 }, () => ({ nodeId: "ns=2;s=Plant.Temperature", attributeId: opcua.AttributeIds.Value })));
    result.manyReads = { count: many.length, good: many.filter((d) => d.statusCode.value === 0 && d.value.value === 21.5).length };

    const writeStatus = await session.write({ nodeId: "ns=2;s=Plant.Setpoint", attributeId: opcua.AttributeIds.Value, value: { value: { dataType: opcua.DataType.Double, value: 42.5 } } });
    result.write = writeStatus.name;
    const badWrite = await session.write({ nodeId: "ns=2;s=Plant.Temperature", attributeId: opcua.AttributeIds.Value, value: { value: { dataType: opcua.DataType.Double, value: 1 } } });
    result.writeReadOnly = badWrite.name;
    result.setpoint = (await session.read({ nodeId: "ns=2;s=Plant.Setpoint", attributeId: opcua.AttributeIds.Value })).value.value;

    const call = await session.call({
        objectId: "ns=2;s=Plant",
        methodId: "ns=2;s=Plant.Add",
        inputArguments: [{ dataType: opcua.DataType.Double, value: 2 }, { dataType: opcua.DataType.Double, value: 3.5 }],
    });
    result.call = { status: call.statusCode.name, out: call.outputArguments.map((v) => v.value) };

    const subscription = await session.createSubscription2({
        requestedPublishingInterval: 50, requestedLifetimeCount: 600, requestedMaxKeepAliveCount: 20,
        maxNotificationsPerPublish: 100, publishingEnabled: true, priority: 1,
    });
    const item = await subscription.monitor(
        { nodeId: "ns=2;s=Plant.Setpoint", attributeId: opcua.AttributeIds.Value },
        { samplingInterval: 50, discardOldest: true, queueSize: 10 },
        opcua.TimestampsToReturn.Both);
    const changes = [];
    await withTimeout(new Promise((resolve) => {
        item.on("changed", (dv) => {
            changes.push(dv.value.value);
            if (changes.length === 1) session.write({ nodeId: "ns=2;s=Plant.Setpoint", attributeId: opcua.AttributeIds.Value, value: { value: { dataType: opcua.DataType.Double, value: 77 } } });
            if (changes.includes(77)) resolve();
        });
    }), 15000, "data change");
    result.changes = changes;
    await subscription.terminate();
    await session.close();
    await client.disconnect();
    console.log(JSON.stringify(result));
}

withTimeout(main(), 60000, "client run").then(() => process.exit(0)).catch((e) => {
    console.error("FAILED " + (e && e.stack ? e.stack : e));
    process.exit(1);
});
