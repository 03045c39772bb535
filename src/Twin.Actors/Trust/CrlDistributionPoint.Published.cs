namespace Twin.Actors.Trust;

public sealed partial class CrlDistributionPoint
{
    /// <summary>
    /// Raised after every publication with the name it was published under, on the publisher's thread (a CA actor's): a
    /// GDS that pushes trust lists hears of each new CRL or CA certificate while the publishing CA's work is still counted.
    /// </summary>
    public event Action<string>? Published;
}
