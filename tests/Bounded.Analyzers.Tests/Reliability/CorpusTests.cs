using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Xunit;
using Xunit.Abstractions;

namespace Bounded.Analyzers.Tests.Reliability;

/// <summary>
/// The realistic corpus under tests/Bounded.Analyzers.Tests/Corpus: every line that should get a diagnostic ends
/// with <c>// expect BNDxxxx</c> (several IDs allowed); every rule with an analyzer must report exactly those lines.
/// </summary>
public class CorpusTests
{
    private static readonly Regex Marker = new(@"//\s*expect\s+(?<ids>BND\d{4}(?:[\s,]+BND\d{4})*)\s*$", RegexOptions.Compiled);

    private readonly ITestOutputHelper _output;

    public CorpusTests(ITestOutputHelper output) => _output = output;

    internal static Project CorpusProject() => Harness.CreateProject(TestSources.Corpus);

    /// <summary>(file, 1-based line, ID) for every marker in the corpus.</summary>
    internal static IReadOnlyList<(string File, int Line, string Id)> ExpectedMarkers()
    {
        var expected = new List<(string, int, string)>();
        foreach (var source in TestSources.Corpus)
        {
            var lines = source.Text.Split('\n');
            for (var i = 0; i < lines.Length; i++)
            {
                var match = Marker.Match(lines[i].TrimEnd('\r'));
                if (!match.Success)
                {
                    continue;
                }

                foreach (Match id in Regex.Matches(match.Groups["ids"].Value, @"BND\d{4}"))
                {
                    expected.Add((source.Name, i + 1, id.Value));
                }
            }
        }

        return expected;
    }

    private static string Key(string file, int line, string id) => $"{file}:{line} {id}";

    [Fact]
    public void CorpusIsLargeAndCoversEveryScenario()
    {
        var lines = TestSources.Corpus.Sum(s => s.Text.Split('\n').Length);
        _output.WriteLine($"corpus: {TestSources.Corpus.Count} files, {lines} lines, {ExpectedMarkers().Count} expected diagnostics");
        Assert.True(lines >= 3000, $"the corpus has {lines} lines; it should have at least 3000");
        foreach (var folder in new[] { "Api", "Workers", "Ingestion", "Protocol", "Messaging", "Caching" })
        {
            Assert.Contains(TestSources.Corpus, s => s.Name.Contains("/Corpus/" + folder + "/", StringComparison.Ordinal));
        }

        // Each family has markers: the corpus is ready for the rules that are not implemented yet.
        var ids = ExpectedMarkers().Select(m => m.Id).ToHashSet();
        foreach (var id in new[] { "BND1001", "BND1002", "BND1003", "BND1004", "BND2001", "BND2002", "BND2003", "BND3001", "BND3002", "BND3003", "BND3004", "BND3005", "BND4001", "BND4002" })
        {
            Assert.Contains(id, ids);
        }
    }

    [Fact]
    public async Task CorpusCompilesWithoutErrors()
    {
        var errors = await Harness.CompilerErrorsAsync(CorpusProject(), CancellationToken.None);
        Assert.True(errors.IsEmpty, string.Join("\n", errors.Take(30).Select(e => e.ToString())));
    }

    [Fact]
    public async Task EveryImplementedRuleReportsExactlyTheMarkedLines()
    {
        var run = await Harness.AnalyzeAsync(CorpusProject(), CancellationToken.None);
        Assert.Empty(run.AnalyzerFailures);

        var markers = ExpectedMarkers();
        var skipped = markers.Where(m => !Harness.ImplementedIds.Contains(m.Id)).Select(m => m.Id).Distinct().OrderBy(id => id, StringComparer.Ordinal).ToArray();
        _output.WriteLine($"implemented: {string.Join(", ", Harness.ImplementedIds.OrderBy(id => id, StringComparer.Ordinal))}");
        _output.WriteLine($"markers skipped (no analyzer yet): {(skipped.Length == 0 ? "none" : string.Join(", ", skipped))}");

        var expected = markers.Where(m => Harness.ImplementedIds.Contains(m.Id)).Select(m => Key(m.File, m.Line, m.Id)).ToHashSet(StringComparer.Ordinal);
        var actual = new Dictionary<string, Diagnostic>(StringComparer.Ordinal);
        foreach (var diagnostic in run.Diagnostics)
        {
            var span = diagnostic.Location.GetLineSpan();
            actual[Key(span.Path.Substring("/src/".Length), span.StartLinePosition.Line + 1, diagnostic.Id)] = diagnostic;
        }

        var falsePositives = actual.Keys.Where(k => !expected.Contains(k)).OrderBy(k => k, StringComparer.Ordinal).Select(k => "unexpected " + Harness.Describe(actual[k]) + " (" + k + ")").ToArray();
        var missed = expected.Where(k => !actual.ContainsKey(k)).OrderBy(k => k, StringComparer.Ordinal).Select(k => "missing " + k).ToArray();
        _output.WriteLine($"{actual.Count} diagnostics reported, {expected.Count} expected");
        Assert.True(falsePositives.Length + missed.Length == 0, string.Join("\n", falsePositives.Concat(missed)));
    }

    [Fact]
    public async Task ConcurrentRunsGiveIdenticalDiagnostics()
    {
        var project = CorpusProject();
        var compilation = (await project.GetCompilationAsync())!;
        string[]? first = null;
        for (var run = 0; run < 10; run++)
        {
            // A fresh compilation each time, so no analyzer result is cached between runs.
            var result = await Harness.AnalyzeAsync(compilation.Clone(), project.AnalyzerOptions, CancellationToken.None, concurrent: true);
            Assert.Empty(result.AnalyzerFailures);
            var described = result.Diagnostics
                .Select(d => $"{d.Location.GetLineSpan()} {d.Id} {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)} {string.Join(";", d.Properties.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + "=" + p.Value))}")
                .OrderBy(d => d, StringComparer.Ordinal)
                .ToArray();
            if (first is null)
            {
                first = described;
                Assert.NotEmpty(first);
            }
            else
            {
                Assert.Equal(first, described);
            }
        }
    }
}
