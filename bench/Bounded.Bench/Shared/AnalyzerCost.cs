using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Linq;
using System.Reflection;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Bounded.Bench;

/// <summary>One measured iteration: the compiler's diagnostic pass and Bounded's analysis of the same code.</summary>
public sealed class CostSample
{
    /// <summary>Wall time of <c>Compilation.GetDiagnostics()</c> on a fresh compilation (single-threaded).</summary>
    public double CompilerMs { get; init; }

    /// <summary>Summed callback time of each analyzer (<c>AnalyzerTelemetryInfo.ExecutionTime</c>), by analyzer type name.</summary>
    public IReadOnlyDictionary<string, double> AnalyzerMs { get; init; } = new Dictionary<string, double>();

    public double TotalAnalyzerMs => AnalyzerMs.Values.Sum();

    /// <summary>Wall time of the whole analyzer pass: the driver binds the code again, builds operation trees, runs the callbacks.</summary>
    public double AnalysisPassMs { get; init; }

    /// <summary>Bytes allocated in the process during <c>GetDiagnostics()</c>.</summary>
    public long CompilerAllocatedBytes { get; init; }

    /// <summary>Bytes allocated in the process during the whole analyzer pass.</summary>
    public long AnalysisPassAllocatedBytes { get; init; }

    /// <summary>Wall time of the same pass with only a do-nothing analyzer (the driver's own cost), when measured.</summary>
    public double? BaselinePassMs { get; init; }

    /// <summary>Bytes allocated by the do-nothing pass, when measured.</summary>
    public long? BaselinePassAllocatedBytes { get; init; }

    public int CompilerErrors { get; init; }

    public int BoundedDiagnostics { get; init; }

    /// <summary>Bounded diagnostics by rule ID: shows that the corpus gives every rule work.</summary>
    public IReadOnlyDictionary<string, int> DiagnosticsById { get; init; } = new Dictionary<string, int>();

    /// <summary>Analyzer exceptions (AD0001) and their messages: an analyzer must never throw.</summary>
    public IReadOnlyList<string> AnalyzerExceptions { get; init; } = Array.Empty<string>();

    public double Ratio(string analyzer) => AnalyzerMs[analyzer] / CompilerMs;

    public double TotalRatio => TotalAnalyzerMs / CompilerMs;
}

/// <summary>The median and spread of several <see cref="CostSample"/>s.</summary>
public sealed class CostSummary
{
    public CostSummary(IReadOnlyList<CostSample> samples, int lines, int files)
    {
        Samples = samples;
        Lines = lines;
        Files = files;
    }

    public IReadOnlyList<CostSample> Samples { get; }

    public int Lines { get; }

    public int Files { get; }

    public IEnumerable<string> AnalyzerNames => Samples[0].AnalyzerMs.Keys;

    public Spread CompilerMs => Spread.Of(Samples.Select(s => s.CompilerMs));

    public Spread TotalAnalyzerMs => Spread.Of(Samples.Select(s => s.TotalAnalyzerMs));

    public Spread AnalyzerMs(string analyzer) => Spread.Of(Samples.Select(s => s.AnalyzerMs[analyzer]));

    /// <summary>The ratio is taken per iteration (same process, back to back) and then summarised.</summary>
    public Spread TotalRatio => Spread.Of(Samples.Select(s => s.TotalRatio));

    public Spread Ratio(string analyzer) => Spread.Of(Samples.Select(s => s.Ratio(analyzer)));

    public Spread AnalysisPassOverhead => Spread.Of(Samples.Select(s => (s.AnalysisPassMs - s.CompilerMs) / s.CompilerMs));

    public Spread CompilerAllocatedBytes => Spread.Of(Samples.Select(s => (double)s.CompilerAllocatedBytes));

    public Spread AnalysisPassAllocatedBytes => Spread.Of(Samples.Select(s => (double)s.AnalysisPassAllocatedBytes));

    public bool HasBaseline => Samples.All(s => s.BaselinePassAllocatedBytes.HasValue);

    /// <summary>What the analyzer pass allocates beyond a pass with a do-nothing analyzer: Bounded's own allocations.</summary>
    public Spread BoundedAllocatedBytes => Spread.Of(Samples.Select(s => (double)(s.AnalysisPassAllocatedBytes - (s.BaselinePassAllocatedBytes ?? 0))));

    /// <summary>The driver's own overhead (do-nothing analyzer pass minus the compiler pass), relative to the compiler.</summary>
    public Spread DriverOverhead => Spread.Of(Samples.Select(s => ((s.BaselinePassMs ?? s.CompilerMs) - s.CompilerMs) / s.CompilerMs));
}

public readonly record struct Spread(double Median, double Min, double Max)
{
    public static Spread Of(IEnumerable<double> values)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        if (sorted.Length == 0)
        {
            return default;
        }

        var middle = sorted.Length / 2;
        var median = sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
        return new Spread(median, sorted[0], sorted[sorted.Length - 1]);
    }
}

/// <summary>
/// Measures what Bounded's analyzers cost relative to the compiler, in one process. Both sides run single-threaded
/// (<c>concurrentBuild: false</c>, <c>concurrentAnalysis: false</c>) so that the compiler's wall time and the
/// analyzers' summed callback time are the same kind of number (what <c>-p:ReportAnalyzer=true</c> sums across threads).
/// </summary>
public static class AnalyzerCost
{
    /// <summary>Every concrete <see cref="DiagnosticAnalyzer"/> marked <c>[DiagnosticAnalyzer]</c> in the Bounded.Analyzers assembly.</summary>
    public static ImmutableArray<DiagnosticAnalyzer> DiscoverAnalyzers(Assembly assembly) =>
        assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && t.GetCustomAttribute<DiagnosticAnalyzerAttribute>() is not null)
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
            .ToImmutableArray();

    public static string NameOf(DiagnosticAnalyzer analyzer)
    {
        var ids = string.Join(",", analyzer.SupportedDiagnostics.Select(d => d.Id).Distinct().OrderBy(id => id, StringComparer.Ordinal));
        return analyzer.GetType().Name + " (" + ids + ")";
    }

    public static ImmutableArray<SyntaxTree> Parse(IEnumerable<CorpusFile> files)
    {
        var options = new CSharpParseOptions(LanguageVersion.CSharp12);
        return files.Select(f => CSharpSyntaxTree.ParseText(f.Text, options, f.Path)).ToImmutableArray();
    }

    /// <summary>
    /// A fresh compilation: nothing bound or cached from an earlier one. Every Bounded rule is switched on
    /// (as under <c>BoundedAnalysisMode=strict</c>) so that rules that are off or Info by default are measured too.
    /// </summary>
    public static CSharpCompilation CreateCompilation(ImmutableArray<SyntaxTree> trees, ImmutableArray<MetadataReference> references, ImmutableArray<DiagnosticAnalyzer> analyzers)
    {
        var enableAll = analyzers.SelectMany(a => a.SupportedDiagnostics)
            .Select(d => d.Id)
            .Distinct()
            .ToDictionary(id => id, _ => ReportDiagnostic.Warn);
        var options = new CSharpCompilationOptions(
                OutputKind.DynamicallyLinkedLibrary,
                nullableContextOptions: NullableContextOptions.Enable,
                concurrentBuild: false)
            .WithSpecificDiagnosticOptions(enableAll);
        return CSharpCompilation.Create("Corpus", trees, references, options);
    }

    /// <summary>
    /// One iteration: the compiler pass, then the analyzer pass on another fresh compilation of the same trees, then
    /// (with a <paramref name="baseline"/> analyzer that does nothing) the driver's own cost.
    /// </summary>
    public static async Task<CostSample> MeasureOnceAsync(ImmutableArray<SyntaxTree> trees, ImmutableArray<MetadataReference> references, ImmutableArray<DiagnosticAnalyzer> analyzers, DiagnosticAnalyzer? baseline = null)
    {
        // The compiler's own diagnostic pass: declarations, binding of every method body, flow and nullable analysis.
        var compilation = CreateCompilation(trees, references, analyzers);
        Settle();
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var stopwatch = Stopwatch.StartNew();
        var diagnostics = compilation.GetDiagnostics();
        stopwatch.Stop();
        var compilerAllocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        var compilerMs = stopwatch.Elapsed.TotalMilliseconds;
        var errors = diagnostics.Count(d => d.Severity == DiagnosticSeverity.Error);

        // The analyzer pass, as csc runs it, with per-analyzer callback timing.
        var exceptions = new List<string>();
        var (analyzed, found, analysisMs, analysisAllocated) = await RunAnalyzersAsync(trees, references, analyzers, analyzers, exceptions).ConfigureAwait(false);

        double? baselineMs = null;
        long? baselineAllocated = null;
        if (baseline is not null)
        {
            var (_, _, ms, bytes) = await RunAnalyzersAsync(trees, references, analyzers, ImmutableArray.Create(baseline), exceptions).ConfigureAwait(false);
            baselineMs = ms;
            baselineAllocated = bytes;
        }

        var perAnalyzer = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var analyzer in analyzers)
        {
            var telemetry = await analyzed.GetAnalyzerTelemetryInfoAsync(analyzer, CancellationToken.None).ConfigureAwait(false);
            perAnalyzer[NameOf(analyzer)] = telemetry.ExecutionTime.TotalMilliseconds;
        }

        return new CostSample
        {
            CompilerMs = compilerMs,
            AnalyzerMs = perAnalyzer,
            AnalysisPassMs = analysisMs,
            BaselinePassMs = baselineMs,
            BaselinePassAllocatedBytes = baselineAllocated,
            CompilerAllocatedBytes = compilerAllocated,
            AnalysisPassAllocatedBytes = analysisAllocated,
            CompilerErrors = errors,
            BoundedDiagnostics = found.Count(d => d.Id.StartsWith("BND", StringComparison.Ordinal)),
            DiagnosticsById = found.Where(d => d.Id.StartsWith("BND", StringComparison.Ordinal))
                .GroupBy(d => d.Id)
                .OrderBy(g => g.Key, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Count()),
            AnalyzerExceptions = exceptions,
        };
    }

    /// <summary>
    /// Bytes each analyzer allocates, measured alone: a pass with only that analyzer minus a pass with only
    /// <paramref name="baseline"/> (a do-nothing analyzer), one pass each. Allocation counts barely vary between runs.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, long>> AllocatedBytesByAnalyzerAsync(IReadOnlyList<CorpusFile> files, ImmutableArray<MetadataReference> references, ImmutableArray<DiagnosticAnalyzer> analyzers, DiagnosticAnalyzer baseline)
    {
        var trees = Parse(files);
        var exceptions = new List<string>();
        // The first pass over new trees allocates once-only state; discard it.
        await RunAnalyzersAsync(trees, references, analyzers, ImmutableArray.Create(baseline), exceptions).ConfigureAwait(false);
        var (_, _, _, driverOnly) = await RunAnalyzersAsync(trees, references, analyzers, ImmutableArray.Create(baseline), exceptions).ConfigureAwait(false);
        var result = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var analyzer in analyzers)
        {
            var (_, _, _, allocated) = await RunAnalyzersAsync(trees, references, analyzers, ImmutableArray.Create(analyzer), exceptions).ConfigureAwait(false);
            result[NameOf(analyzer)] = allocated - driverOnly;
        }

        return result;
    }

    /// <summary>One analysis pass with every rule on: the Bounded diagnostics in source order, and the analyzers' exceptions.</summary>
    public static async Task<(ImmutableArray<Diagnostic> Diagnostics, int CompilerErrors, IReadOnlyList<string> Exceptions)> FindAsync(IReadOnlyList<CorpusFile> files, ImmutableArray<MetadataReference> references, ImmutableArray<DiagnosticAnalyzer> analyzers)
    {
        var trees = Parse(files);
        var exceptions = new List<string>();
        var (analyzed, found, _, _) = await RunAnalyzersAsync(trees, references, analyzers, analyzers, exceptions).ConfigureAwait(false);
        var errors = analyzed.Compilation.GetDiagnostics().Count(d => d.Severity == DiagnosticSeverity.Error);
        var bounded = found.Where(d => d.Id.StartsWith("BND", StringComparison.Ordinal))
            .OrderBy(d => d.Location.SourceTree?.FilePath, StringComparer.Ordinal)
            .ThenBy(d => d.Location.SourceSpan.Start)
            .ToImmutableArray();
        return (bounded, errors, exceptions);
    }

    private static async Task<(CompilationWithAnalyzers Analyzed, ImmutableArray<Diagnostic> Found, double Milliseconds, long Allocated)> RunAnalyzersAsync(
        ImmutableArray<SyntaxTree> trees, ImmutableArray<MetadataReference> references, ImmutableArray<DiagnosticAnalyzer> measured, ImmutableArray<DiagnosticAnalyzer> run, List<string> exceptions)
    {
        var analyzed = CreateCompilation(trees, references, measured).WithAnalyzers(
            run,
            new CompilationWithAnalyzersOptions(
                new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
                onAnalyzerException: (exception, analyzer, _) =>
                {
                    lock (exceptions)
                    {
                        exceptions.Add(analyzer.GetType().Name + ": " + exception.GetType().Name + ": " + exception.Message);
                    }
                },
                concurrentAnalysis: false,
                logAnalyzerExecutionTime: true,
                reportSuppressedDiagnostics: false));
        Settle();
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var stopwatch = Stopwatch.StartNew();
        var found = await analyzed.GetAnalyzerDiagnosticsAsync(CancellationToken.None).ConfigureAwait(false);
        stopwatch.Stop();
        return (analyzed, found, stopwatch.Elapsed.TotalMilliseconds, GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore);
    }

    /// <summary><paramref name="warmup"/> discarded iterations (JIT, metadata), then <paramref name="iterations"/> measured ones.</summary>
    public static async Task<CostSummary> MeasureAsync(IReadOnlyList<CorpusFile> files, ImmutableArray<MetadataReference> references, ImmutableArray<DiagnosticAnalyzer> analyzers, int warmup, int iterations, DiagnosticAnalyzer? baseline = null, Action<CostSample>? onSample = null)
    {
        var trees = Parse(files);
        for (var i = 0; i < warmup; i++)
        {
            await MeasureOnceAsync(trees, references, analyzers, baseline).ConfigureAwait(false);
        }

        var samples = new List<CostSample>();
        for (var i = 0; i < iterations; i++)
        {
            var sample = await MeasureOnceAsync(trees, references, analyzers, baseline).ConfigureAwait(false);
            onSample?.Invoke(sample);
            samples.Add(sample);
        }

        return new CostSummary(samples, files.Sum(f => CorpusGenerator.CountLines(f.Text)), files.Count);
    }

    /// <summary>Least-squares slope of log(y) against log(x): 1 means linear growth.</summary>
    public static double FittedExponent(IReadOnlyList<(double X, double Y)> points)
    {
        var xs = points.Select(p => Math.Log(p.X)).ToArray();
        var ys = points.Select(p => Math.Log(p.Y)).ToArray();
        var meanX = xs.Average();
        var meanY = ys.Average();
        var covariance = 0.0;
        var variance = 0.0;
        for (var i = 0; i < xs.Length; i++)
        {
            covariance += (xs[i] - meanX) * (ys[i] - meanY);
            variance += (xs[i] - meanX) * (xs[i] - meanX);
        }

        return covariance / variance;
    }

    /// <summary>A full collection before each measured pass, so one pass does not pay for the garbage of the previous one.</summary>
    private static void Settle()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }
}
