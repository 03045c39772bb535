// node-opcua client against a PEA server: finds the MTP service objects by browsing, subscribes to a service's CurrentState,
// calls its command methods (one invalid in the state it is in) and reports what it saw.
// Usage: node mtp-services.js <endpointUrl> <pea>; prints one JSON line.
const path = require("path");
const opcua = require(path.join(process.cwd(), "node_modules", "node-opcua"));

const [, , endpointUrl, pea] = process.argv;

function withTimeout(promise, ms, what) {
    return Promise.race([promise, new Promise((_, reject) => setTimeout(() => reject(new Error(what + " timed out")), ms))]);
}

async function browseNames(session, nodeId) {
    const r = await session.browse({ nodeId, browseDirection: opcua.BrowseDirection.Forward, referenceTypeId: "HierarchicalReferences", includeSubtypes: true, resultMask: 63 });
    return r.references.map((x) => ({ name: x.browseName.name, nodeId: x.nodeId.toString(), nodeClass: opcua.NodeClass[x.nodeClass] }));
}

async function main() {
    const result = {};
    const client = opcua.OPCUAClient.create({ endpointMustExist: false, connectionStrategy: { maxRetry: 0 }, keepSessionAlive: false });
    await client.connect(endpointUrl);
    const session = await client.createSession();
    const services = await browseNames(session, `ns=2;s=${pea}.Services`);
    result.services = services.map((s) => s.name);
    const dose = services.find((s) => s.name === "Dose");
    const members = await browseNames(session, dose.nodeId);
    result.methods = members.filter((m) => m.nodeClass === "Method").map((m) => m.name);
    result.variables = members.filter((m) => m.nodeClass === "Variable").map((m) => m.name);
    const stateNode = members.find((m) => m.name === "CurrentState").nodeId;
    const method = (name) => members.find((m) => m.name === name).nodeId;
    const call = async (name) => (await session.call({ objectId: dose.nodeId, methodId: method(name), inputArguments: [] })).statusCode.name;

    const subscription = await session.createSubscription2({ requestedPublishingInterval: 50, requestedLifetimeCount: 600, requestedMaxKeepAliveCount: 20, maxNotificationsPerPublish: 100, publishingEnabled: true });
    const item = await subscription.monitor({ nodeId: stateNode, attributeId: opcua.AttributeIds.Value }, { samplingInterval: 0, queueSize: 20, discardOldest: true }, opcua.TimestampsToReturn.Both);
    const seen = [];
    const waiters = [];
    item.on("changed", (dv) => { seen.push(dv.value.value); waiters.filter((w) => seen.includes(w.value)).forEach((w) => w.resolve()); });
    const until = (value) => withTimeout(new Promise((resolve) => { if (seen.includes(value)) resolve(); else waiters.push({ value, resolve }); }), 15000, "state " + value);

    await until("Idle");
    result.completeWhileIdle = await call("Complete");
    result.start = await call("Start");
    await until("Execute");
    result.startWhileExecuting = await call("Start");
    result.complete = await call("Complete");
    await until("Completed");
    const code = await session.read({ nodeId: stateNode.replace("CurrentState", "StateCur"), attributeId: opcua.AttributeIds.Value });
    result.stateCur = code.value.value;
    result.seen = seen;
    await subscription.terminate();
    await session.close();
    await client.disconnect();
    console.log(JSON.stringify(result));
}

withTimeout(main(), 60000, "run").then(() => process.exit(0)).catch((e) => { console.error("FAILED " + (e && e.stack ? e.stack : e)); process.exit(1); });
