using Twin.Actors.Protocol.Queries;

namespace Twin.Actors.Tests.Support;

/// <summary>Checks on a device's status answer.</summary>
internal static class DeviceStatusChecks
{
    /// <summary>The device's certificate (DER), asserting it is the first and only one it installed.</summary>
    public static byte[] OnlyCertificate(DeviceStatus status)
    {
        Assert.Equal(1, status.CertificatesInstalled);
        return Assert.IsType<byte[]>(status.Certificate);
    }
}
