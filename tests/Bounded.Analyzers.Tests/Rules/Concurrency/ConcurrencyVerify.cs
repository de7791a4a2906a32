using System.Threading.Tasks;
using Bounded.Analyzers.Concurrency;
using Bounded.CodeFixes.Concurrency;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;
using Xunit;

namespace Bounded.Analyzers.Tests.Rules.Concurrency;

/// <summary>Helpers shared by the BND1001–BND1003 tests: the family of analyzers, expected-diagnostic builders, and the BND1002/BND1003 fix runners.</summary>
internal static class ConcurrencyVerify
{
    internal static readonly DiagnosticAnalyzer[] Family = { new UnboundedTaskSpawnAnalyzer(), new UnboundedFanOutAnalyzer(), new ThreadPerItemAnalyzer() };

    internal const string Loop = "iteration of this loop";

    internal static DiagnosticResult BND1001(int marker, string api = "Task.Run", string where = Loop, string advice = "throttle it") =>
        new DiagnosticResult(RuleIds.UnboundedTaskSpawn, DiagnosticSeverity.Info).WithLocation(marker).WithArguments(api, where, advice);

    internal static DiagnosticResult BND1002(int marker, string work, string where = "element passed to 'Select'") =>
        new DiagnosticResult(RuleIds.UnboundedAsyncFanOut, DiagnosticSeverity.Info).WithLocation(marker).WithArguments(work, where);

    internal static DiagnosticResult BND1003(int marker, string api = "new Thread", string where = Loop) =>
        new DiagnosticResult(RuleIds.ThreadPerItem, DiagnosticSeverity.Warning).WithLocation(marker).WithArguments(api, where);

    internal static Task Reports(string members, params DiagnosticResult[] expected) => Verify.AnalyzersAsync(Family, ConcurrencySources.Wrap(members), null, expected);

    internal static Task ReportsWith(string editorConfig, string members, params DiagnosticResult[] expected) => Verify.AnalyzersAsync(Family, ConcurrencySources.Wrap(members), editorConfig, expected);

    internal static Task Clean(string members) => Verify.AnalyzersAsync(Family, ConcurrencySources.Wrap(members), null);

    internal const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Net.Http;
        using System.Threading;
        using System.Threading.Tasks;

        """;

    internal static Task FixFanOut(string source, string fixedSource, string? editorConfig = null) =>
        Verify.FixAsync<UnboundedFanOutAnalyzer, UnboundedFanOutCodeFixProvider>(Usings + source, Usings + fixedSource, UnboundedFanOutCodeFixProvider.SemaphoreKey, editorConfig);

    internal static Task FixThreads(string source, string fixedSource) =>
        Verify.FixAsync<ThreadPerItemAnalyzer, UnboundedTaskSpawnCodeFixProvider>(Usings + source, Usings + fixedSource, UnboundedTaskSpawnCodeFixProvider.ThreadSemaphoreKey);
}
