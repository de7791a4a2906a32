using System;
using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;

namespace Bounded.Analyzers.Tests.Reliability;

/// <summary>
/// The IDE cancels analysis on every keystroke: a cancelled run must end with OperationCanceledException, never
/// with another exception or an AD0001, and must leave nothing behind that changes the next run.
/// </summary>
public class CancellationTests
{
    private static readonly Lazy<Project> LazyBigProject = new(CreateBigProject);

    private static Project BigProject() => LazyBigProject.Value;

    /// <summary>The corpus twice over, each copy in its own namespace: a compilation big enough to cancel mid-way.</summary>
    private static Project CreateBigProject()
    {
        var sources = TestSources.Corpus
            .Where(s => !s.Name.EndsWith("FrameworkStubs.cs", StringComparison.Ordinal))
            .SelectMany(s => Enumerable.Range(0, 2).Select(copy => new SourceFile(
                s.Name.Replace(".cs", $".{copy}.cs", StringComparison.Ordinal),
                s.Text.Replace("namespace Corpus.", $"namespace Corpus{copy}.", StringComparison.Ordinal))))
            .Concat(TestSources.Corpus.Where(s => s.Name.EndsWith("FrameworkStubs.cs", StringComparison.Ordinal)));
        return Harness.CreateProject(sources);
    }

    [Fact]
    public async Task CancellationMidwayEndsWithOperationCanceledOnly()
    {
        var project = BigProject();
        var compilation = (await project.GetCompilationAsync())!;
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));

        // A tripwire analyzer cancels the token once analysis is well under way (after 300 invocations were seen).
        using var cts = new CancellationTokenSource();
        var tripwire = new Tripwire(cts, after: 300);
        var analyzers = Harness.Analyzers.Add(tripwire);
        var failures = new ConcurrentQueue<string>();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Harness.AnalyzeAsync(compilation, project.AnalyzerOptions, cts.Token, concurrent: true, analyzers, failures));
        Assert.True(tripwire.Seen >= 300, "the tripwire never fired: the compilation is too small to cancel mid-way");
        Assert.Empty(failures);

        // The next run, uncancelled, matches a run that was never interrupted.
        var fresh = await Harness.AnalyzeAsync(compilation.Clone(), project.AnalyzerOptions, CancellationToken.None);
        var again = await Harness.AnalyzeAsync(compilation, project.AnalyzerOptions, CancellationToken.None);
        Assert.Empty(fresh.AnalyzerFailures);
        Assert.Empty(again.AnalyzerFailures);
        Assert.Equal(fresh.Diagnostics.Select(Harness.Describe).OrderBy(d => d, StringComparer.Ordinal), again.Diagnostics.Select(Harness.Describe).OrderBy(d => d, StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(20)]
    [InlineData(100)]
    public async Task CancellationAfterADelayEitherCompletesOrCancels(int milliseconds)
    {
        var project = BigProject();
        var compilation = (await project.GetCompilationAsync())!;
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(milliseconds));
        var failures = new ConcurrentQueue<string>();
        try
        {
            await Harness.AnalyzeAsync(compilation, project.AnalyzerOptions, cts.Token, concurrent: true, failures: failures);
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            // expected for short delays
        }

        Assert.Empty(failures);
    }

    /// <summary>Counts invocations and cancels the token at the given count.</summary>
#pragma warning disable RS1036 // a test-only analyzer, never shipped
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    private sealed class Tripwire : DiagnosticAnalyzer
    {
#pragma warning disable RS2008 // a test-only analyzer: no release tracking
        private static readonly DiagnosticDescriptor Descriptor = new("TRIP001", "Tripwire", "Tripwire", "Test", DiagnosticSeverity.Hidden, isEnabledByDefault: true);
#pragma warning restore RS2008

        private readonly CancellationTokenSource _cts;
        private readonly int _after;
        private int _seen;

        public Tripwire(CancellationTokenSource cts, int after)
        {
            _cts = cts;
            _after = after;
        }

        public int Seen => Volatile.Read(ref _seen);

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Descriptor);

        public override void Initialize(AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.EnableConcurrentExecution();
            context.RegisterOperationAction(
                _ =>
                {
                    if (Interlocked.Increment(ref _seen) == _after)
                    {
                        _cts.Cancel();
                    }
                },
                OperationKind.Invocation);
        }
    }

    /// <summary>Throws on every invocation: proves the harness sees analyzer exceptions (so "none" means none).</summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    internal sealed class Thrower : DiagnosticAnalyzer
    {
#pragma warning disable RS2008 // a test-only analyzer: no release tracking
        private static readonly DiagnosticDescriptor Descriptor = new("THROW001", "Thrower", "Thrower", "Test", DiagnosticSeverity.Hidden, isEnabledByDefault: true);
#pragma warning restore RS2008

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Descriptor);

        public override void Initialize(AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.EnableConcurrentExecution();
            context.RegisterOperationAction(_ => throw new InvalidOperationException("thrower"), OperationKind.Invocation);
        }
    }
#pragma warning restore RS1036
}
