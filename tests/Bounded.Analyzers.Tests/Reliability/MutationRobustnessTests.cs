using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using Xunit;
using Xunit.Abstractions;

namespace Bounded.Analyzers.Tests.Reliability;

/// <summary>
/// Half-typed code is normal input: every analyzer and every fixer must survive thousands of broken variants of
/// the repository's test sources without an exception, without AD0001 and within a time cap.
/// Environment: BOUNDED_MUTATION_VARIANTS (count; default 5000, 1000 when CI=true), BOUNDED_MUTATION_SEED,
/// BOUNDED_MUTATION_ONLY (one variant index, to replay a failure), BOUNDED_MUTATION_TIMEOUT_MS (per variant).
/// </summary>
public class MutationRobustnessTests
{
    public const int DefaultSeed = 20261129;

    private readonly ITestOutputHelper _output;

    public MutationRobustnessTests(ITestOutputHelper output) => _output = output;

    /// <summary>Out-of-range, malformed and empty values for every option a Bounded rule reads (and some it may read later).</summary>
    internal const string HostileEditorConfig = """
        bounded.max_concurrency = -1
        bounded.small_loop_limit = 99999999999999999999
        bounded.queue_capacity = abc
        bounded.min_array_size = -2147483648
        bounded.max_stackalloc_bytes = 0x10
        bounded.clear_pooled_arrays = maybe
        bounded.hot_path_attributes = ,, ;;
        bounded.hot_path_methods = .
        bounded.pooled_element_types = byte, , System.NotAType, int[]
        bounded.task_ownership_methods = ::, M(, T.
        bounded.exclude_test_projects = yes please
        bounded.BND1001.small_loop_limit =
        bounded.BND1001.max_concurrency = 2147483648
        """;

    internal static int Setting(string name, int defaultValue) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), out var value) ? value : defaultValue;

    internal static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    [Fact]
    public async Task EveryAnalyzerAndFixerSurvivesMutatedSources()
    {
        var sources = TestSources.MutationSources;
        Assert.NotEmpty(sources);
        var seed = Setting("BOUNDED_MUTATION_SEED", DefaultSeed);
        var count = Setting("BOUNDED_MUTATION_VARIANTS", IsCi ? 1000 : 5000);
        var only = Setting("BOUNDED_MUTATION_ONLY", -1);
        var timeout = TimeSpan.FromMilliseconds(Setting("BOUNDED_MUTATION_TIMEOUT_MS", IsCi ? 60_000 : 20_000));
        var mutator = new Mutator(sources, seed);
        var indices = only >= 0 ? new[] { only } : Enumerable.Range(0, count).ToArray();

        // One project with a single document whose text each variant replaces; the corpus's framework stubs are a reference.
        var baseProject = Harness.CreateProject(new[] { new SourceFile("Variant.cs", "") }, extraReferences: new[] { Harness.CorpusFramework });
        var variantId = baseProject.Documents.Single().Id;

        // Every third variant also gets a hostile .editorconfig: option values a user can mistype.
        var hostileProject = Harness.CreateProject(new[] { new SourceFile("Variant.cs", "") }, HostileEditorConfig, new[] { Harness.CorpusFramework });
        var hostileVariantId = hostileProject.Documents.Single().Id;

        var failures = new ConcurrentBag<string>();
        var fixesApplied = 0;
        var diagnosticsSeen = 0;
        long slowest = 0;
        long analysisMs = 0;
        long fixMs = 0;
        var stopwatch = Stopwatch.StartNew();
        await Parallel.ForEachAsync(indices, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, async (index, _) =>
        {
            var variant = mutator.Create(index);
            var hostile = index % 3 == 2;
            var project = hostile
                ? hostileProject.Solution.WithDocumentText(hostileVariantId, SourceText.From(variant.Text)).GetProject(hostileProject.Id)!
                : baseProject.Solution.WithDocumentText(variantId, SourceText.From(variant.Text)).GetProject(baseProject.Id)!;
            using var cts = new CancellationTokenSource(timeout);
            var watch = Stopwatch.StartNew();
            try
            {
                var run = await Harness.AnalyzeAsync(project, cts.Token, concurrent: false);
                Interlocked.Add(ref analysisMs, watch.ElapsedMilliseconds);
                var fixStart = watch.ElapsedMilliseconds;
                foreach (var failure in run.AnalyzerFailures)
                {
                    failures.Add(Describe(variant, seed, failure));
                }

                Interlocked.Add(ref diagnosticsSeen, run.Diagnostics.Length);
                var applied = await Harness.ApplyEveryFixAsync(project, run.Diagnostics, cts.Token, singleFixesForFirstOnly: true);
                Interlocked.Add(ref fixesApplied, applied.Count);
                Interlocked.Add(ref fixMs, watch.ElapsedMilliseconds - fixStart);
            }
            catch (OperationCanceledException) when (cts.IsCancellationRequested)
            {
                failures.Add(Describe(variant, seed, $"exceeded the time cap of {timeout.TotalSeconds:0}s"));
            }
            catch (Exception exception)
            {
                failures.Add(Describe(variant, seed, exception.ToString()));
            }

            var elapsed = watch.ElapsedMilliseconds;
            long previous;
            while (elapsed > (previous = Interlocked.Read(ref slowest)) && Interlocked.CompareExchange(ref slowest, elapsed, previous) != previous)
            {
            }
        });

        _output.WriteLine($"{indices.Length} variants of {sources.Count} sources (seed {seed}) in {stopwatch.Elapsed.TotalSeconds:0.0}s; "
            + $"{diagnosticsSeen} diagnostics, {fixesApplied} fix applications; slowest variant {slowest} ms; "
            + $"time in analysis {analysisMs / 1000}s, in fixes {fixMs / 1000}s (summed over {Environment.ProcessorCount} parallel workers)");
        Assert.True(failures.IsEmpty, $"{failures.Count} variant(s) failed:\n" + string.Join("\n\n", failures.OrderBy(f => f, StringComparer.Ordinal).Take(20)));
    }

    [Fact]
    public async Task HostileOptionsOnTheWholeCorpusBreakNothing()
    {
        var project = Harness.CreateProject(TestSources.Corpus, HostileEditorConfig);
        var run = await Harness.AnalyzeAsync(project, CancellationToken.None);
        Assert.Empty(run.AnalyzerFailures);
        var applied = await Harness.ApplyEveryFixAsync(project, run.Diagnostics, CancellationToken.None, singleFixesForFirstOnly: true);
        _output.WriteLine($"{run.Diagnostics.Length} diagnostics under hostile options, {applied.Count} fix applications");
    }

    [Fact]
    public async Task TheHarnessSeesAnAnalyzerThatThrows()
    {
        var project = Harness.CreateProject(new[] { new SourceFile("Throws.cs", "class C { void M() { System.Console.WriteLine(); } }") });
        var run = await Harness.AnalyzeAsync(project, CancellationToken.None, analyzers: Harness.Analyzers.Add(new CancellationTests.Thrower()));
        Assert.Contains(run.AnalyzerFailures, f => f.Contains("thrower", StringComparison.Ordinal));
    }

    [Fact]
    public void VariantsAreDeterministic()
    {
        var sources = TestSources.MutationSources;
        var first = new Mutator(sources, DefaultSeed);
        var second = new Mutator(sources, DefaultSeed);
        foreach (var index in new[] { 0, 1, 17, 999, 4321 })
        {
            Assert.Equal(first.Create(index), second.Create(index));
        }

        Assert.Equal(Enum.GetValues<MutationKind>().Length, Enumerable.Range(0, 200).Select(i => first.Create(i).Kind).Distinct().Count());
    }

    private static string Describe(Variant variant, int seed, string failure) =>
        $"variant {variant.Index} of {variant.Source.Name} ({variant.Kind}: {variant.Description}{(variant.Index % 3 == 2 ? ", hostile .editorconfig" : "")}): {failure}\n"
        + $"  replay: BOUNDED_MUTATION_SEED={seed} BOUNDED_MUTATION_ONLY={variant.Index} dotnet test tests/Bounded.Analyzers.Tests -c Release --filter \"FullyQualifiedName~{nameof(MutationRobustnessTests)}\"";
}
