// node-opcua client exercising subscription control services against a server under test (SecurityPolicy None).
// Usage: node subscription-control.js <endpointUrl>; prints one JSON line.
const path = require("path");
const opcua = require(path.join(process.cwd(), "node_modules", "node-opcua"));

const [, , endpointUrl] = process.argv;
const setpoint = "ns=2;s=Plant.Setpoint";

function withTimeout(promise, ms, what) {
    return Promise.race([promise, new Promise((_, reject) => setTimeout(() => reject(new Error(what + " timed out")), ms))]);
}

async function main() {
    const result = {};
    const client = opcua.OPCUAClient.create({ endpointMustExist: false, connectionStrategy: { maxRetry: 0 }, keepSessionAlive: false });
    await client.connect(endpointUrl);
    const session = await client.createSession();
    const write = (v) => session.write({ nodeId: setpoint, attributeId: opcua.AttributeIds.Value, value: { value: { dataType: opcua.DataType.Double, value: v } } });
    const subscription = await session.createSubscription2({ requestedPublishingInterval: 50, requestedLifetimeCount: 600, requestedMaxKeepAliveCount: 20, maxNotificationsPerPublish: 100, publishingEnabled: true });
    const item = await subscription.monitor({ nodeId: setpoint, attributeId: opcua.AttributeIds.Value }, { samplingInterval: 50, queueSize: 10, discardOldest: true }, opcua.TimestampsToReturn.Both);
    const seen = [];
    const waiters = [];
    item.on("changed", (dv) => { seen.push(dv.value.value); waiters.filter((w) => seen.includes(w.value)).forEach((w) => w.resolve()); });
    const until = (value) => withTimeout(new Promise((resolve) => { if (seen.includes(value)) resolve(); else waiters.push({ value, resolve }); }), 15000, "value " + value);

    await until(20);
    const modified = await subscription.modify({ requestedPublishingInterval: 200, requestedLifetimeCount: 600, requestedMaxKeepAliveCount: 10, maxNotificationsPerPublish: 100, priority: 1 });
    result.revisedInterval = modified.revisedPublishingInterval;
    result.publishingOff = (await subscription.setPublishingMode(false)).name;
    await write(11);
    result.publishingOn = (await subscription.setPublishingMode(true)).name;
    await until(11);
    result.sampling = (await item.setMonitoringMode(opcua.MonitoringMode.Sampling)).name;
    await write(12);
    result.reporting = (await item.setMonitoringMode(opcua.MonitoringMode.Reporting)).name;
    await until(12);
    const modifiedItem = await item.modify({ samplingInterval: 100, queueSize: 5, discardOldest: true });
    result.modifyItem = { status: modifiedItem.statusCode.name, queueSize: modifiedItem.revisedQueueSize };
    const republish = await new Promise((resolve) => session.republish(new opcua.RepublishRequest({ subscriptionId: subscription.subscriptionId, retransmitSequenceNumber: 99999 }), (err, response) => resolve(err ? err.message : response.responseHeader.serviceResult.name)));
    result.republishUnknown = republish;
    result.seen = seen;
    await subscription.terminate();
    await session.close();
    await client.disconnect();
    console.log(JSON.stringify(result));
}

withTimeout(main(), 60000, "run").then(() => process.exit(0)).catch((e) => { console.error("FAILED " + (e && e.stack ? e.stack : e)); process.exit(1); });
