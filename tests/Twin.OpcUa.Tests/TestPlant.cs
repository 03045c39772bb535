using Twin.OpcUa.Encoding;
using Twin.OpcUa.Messages;
using Twin.OpcUa.Server;

namespace Twin.OpcUa.Tests;

/// <summary>A small address space for interop tests: a Plant folder with a read-only and a writable variable and an Add method.</summary>
public static class TestPlant
{
    public static AddressSpace Create()
    {
        var space = new AddressSpace("urn:planttrust:test:server", "urn:planttrust:test:plant");
        var plant = space.AddFolder(null, "Plant");
        space.AddVariable(plant.NodeId, "Temperature", 21.5);
        space.AddVariable(plant.NodeId, "Setpoint", 20.0, AccessLevels.CurrentReadOrWrite);
        var secret = space.AddVariable(plant.NodeId, "OperatorOnly", 7, AccessLevels.CurrentReadOrWrite);
        secret.RolePermissions = new Dictionary<string, Permissions> { [Roles.Operator] = Permissions.All, [Roles.Anonymous] = Permissions.Browse };
        space.AddMethod(plant.NodeId, "Add", (_, args) => [(double)args[0].Value! + (double)args[1].Value!],
            [new Argument { Name = "a", DataType = 11 }, new Argument { Name = "b", DataType = 11 }],
            [new Argument { Name = "sum", DataType = 11 }]);
        return space;
    }

    public static ServerOptions Options { get; } = new()
    {
        Users = [new UserAccount("operator", "op-secret", new HashSet<string> { Roles.Operator })],
    };
}
