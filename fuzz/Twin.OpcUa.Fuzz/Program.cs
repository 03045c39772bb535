using Twin.OpcUa.Fuzz;

// Fuzz entry point for AFL via SharpFuzz (instrument Twin.OpcUa.dll with `sharpfuzz`, then
// `afl-fuzz -i Corpus -o findings -- dotnet Twin.OpcUa.Fuzz.dll`). `corpus <dir>` writes the seed corpus instead.
if (args is ["corpus", var folder])
{
    foreach (var (name, bytes) in SeedCorpus.Build())
        File.WriteAllBytes(Path.Combine(folder, name + ".bin"), bytes);
    return;
}
SharpFuzz.Fuzzer.OutOfProcess.Run(stream =>
{
    using var copy = new MemoryStream();
    stream.CopyTo(copy);
    FrameHarness.Run(copy.ToArray());
});
