using System.Globalization;
using System.Linq;
using System.Threading.Tasks;
using Bounded.Bench;
using Xunit;
using Xunit.Abstractions;

namespace Bounded.Analyzers.Tests.Performance;

/// <summary>
/// The cost budget, enforced in CI: Bounded's summed analyzer callback time as a share of the compiler's own
/// diagnostic time on a generated mid-size corpus, measured like bench/Bounded.Bench (same code, linked in).
/// The budget is 5% in total and 2% per analyzer at 100k lines; this test allows a generous noise margin on a
/// shared machine (15% / 6%). It compares ratios measured in the same process, never absolute times.
/// </summary>
public sealed class AnalyzerCostBudgetTests
{
    private const int Lines = 8_000;
    private const double TotalLimit = 0.15;
    private const double PerAnalyzerLimit = 0.06;

    private readonly ITestOutputHelper _output;

    public AnalyzerCostBudgetTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public async Task Analyzer_time_stays_within_the_budget_relative_to_the_compiler()
    {
        var analyzers = AnalyzerCost.DiscoverAnalyzers(typeof(BoundedOptions).Assembly);
        Assert.NotEmpty(analyzers);
        var files = CorpusGenerator.Generate(Lines);

        var summary = await AnalyzerCost.MeasureAsync(files, TestEnvironment.NetReferences, analyzers, warmup: 1, iterations: 3);

        _output.WriteLine($"{summary.Lines} lines; compiler GetDiagnostics median {summary.CompilerMs.Median:F0} ms (min {summary.CompilerMs.Min:F0}, max {summary.CompilerMs.Max:F0})");
        foreach (var name in summary.AnalyzerNames)
        {
            var ratio = summary.Ratio(name);
            _output.WriteLine($"{name}: {summary.AnalyzerMs(name).Median:F1} ms = {Percent(ratio.Median)} of the compiler (min {Percent(ratio.Min)}, max {Percent(ratio.Max)})");
        }

        _output.WriteLine($"Bounded total: {summary.TotalAnalyzerMs.Median:F1} ms = {Percent(summary.TotalRatio.Median)} (min {Percent(summary.TotalRatio.Min)}, max {Percent(summary.TotalRatio.Max)})");

        // The measurement only means something on code that compiles, and no analyzer may throw on it.
        Assert.All(summary.Samples, s => Assert.Equal(0, s.CompilerErrors));
        Assert.Empty(summary.Samples.SelectMany(s => s.AnalyzerExceptions));
        Assert.All(summary.Samples, s => Assert.True(s.BoundedDiagnostics > 0, "the corpus's anti-patterns produced no Bounded diagnostic: nothing was measured"));

        foreach (var name in summary.AnalyzerNames)
        {
            var ratio = summary.Ratio(name).Median;
            Assert.True(ratio <= PerAnalyzerLimit, $"{name} took {Percent(ratio)} of the compiler's time (limit {Percent(PerAnalyzerLimit)}; budget 2%)");
        }

        var total = summary.TotalRatio.Median;
        Assert.True(total <= TotalLimit, $"Bounded's analyzers took {Percent(total)} of the compiler's time (limit {Percent(TotalLimit)}; budget 5%)");
    }

    [Fact]
    public void Generator_is_deterministic_and_reaches_the_requested_size()
    {
        var first = CorpusGenerator.Generate(5_000, seed: 7);
        var second = CorpusGenerator.Generate(5_000, seed: 7);
        var other = CorpusGenerator.Generate(5_000, seed: 8);

        Assert.Equal(first.Select(f => f.Path + "\n" + f.Text), second.Select(f => f.Path + "\n" + f.Text));
        Assert.NotEqual(first.Select(f => f.Text), other.Select(f => f.Text));
        var lines = first.Sum(f => CorpusGenerator.CountLines(f.Text));
        Assert.InRange(lines, 5_000, 5_600);
    }

    [Fact]
    public void Fitted_exponent_recovers_the_growth_rate()
    {
        Assert.Equal(1.0, AnalyzerCost.FittedExponent(new[] { (10_000.0, 3.0), (100_000.0, 30.0), (1_000_000.0, 300.0) }), precision: 6);
        Assert.Equal(2.0, AnalyzerCost.FittedExponent(new[] { (10.0, 1.0), (100.0, 100.0), (1_000.0, 10_000.0) }), precision: 6);
    }

    private static string Percent(double value) => (value * 100).ToString("F2", CultureInfo.InvariantCulture) + "%";
}
