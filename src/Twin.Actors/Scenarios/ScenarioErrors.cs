namespace Twin.Actors.Scenarios;

/// <summary>One problem in a scenario file, with where it is (1-based line and column).</summary>
public sealed record ScenarioProblem(string File, int Line, int Column, string Message)
{
    /// <summary>"file:line:column: message", the form editors and terminals link to.</summary>
    public override string ToString() => $"{File}:{Line}:{Column}: {Message}";
}

/// <summary>A scenario file that cannot be run; <see cref="Problems"/> lists every problem found, not just the first.</summary>
public sealed class ScenarioException(IReadOnlyList<ScenarioProblem> problems)
    : Exception(string.Join(Environment.NewLine, problems))
{
    /// <summary>Every problem, in file order.</summary>
    public IReadOnlyList<ScenarioProblem> Problems { get; } = problems;
}
