namespace Twin.Actors.Scenarios;

/// <summary>Each device matching <paramref name="Pattern"/> installs its first domain certificate by <paramref name="By"/> — or, with <paramref name="Never"/>, none does.</summary>
public sealed record OnboardedExpectation(string Pattern, IReadOnlyList<string> Devices, TimeSpan? By, bool Never) : Expectation
{
    /// <inheritdoc />
    public override string Describe() => Never ? $"{Pattern} never onboarded" : $"{Pattern} onboarded by {Iso.Format(By!.Value)}";
}

/// <summary>Secure boot refuses the firmware of a device matching <paramref name="Pattern"/> by <paramref name="By"/> — or, with <paramref name="Never"/>, of none.</summary>
public sealed record SecureBootRefusedExpectation(string Pattern, IReadOnlyList<string> Devices, TimeSpan? By, bool Never) : Expectation
{
    /// <inheritdoc />
    public override string Describe() => Never ? $"secure boot never refuses {Pattern}" : $"secure boot of {Pattern} refuses its firmware by {Iso.Format(By!.Value)}";
}

/// <summary>The POL refuses the MTP package of a PEA matching <paramref name="Pattern"/> by <paramref name="By"/> — or, with <paramref name="Never"/>, of none.</summary>
public sealed record MtpRefusedExpectation(string Pattern, IReadOnlyList<string> Devices, TimeSpan? By, bool Never) : Expectation
{
    /// <inheritdoc />
    public override string Describe() => Never ? $"POL never refuses the MTP package of {Pattern}" : $"POL refuses the MTP package of {Pattern} by {Iso.Format(By!.Value)}";
}
