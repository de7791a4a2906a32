using System.Threading;
using System.Threading.Tasks;
using Bounded.Analyzers.Lifetime;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;
using Xunit;

namespace Bounded.Analyzers.Tests.Rules.Lifetime;

/// <summary>Half-typed code: the lifetime analyzers report nothing and never throw.</summary>
public class LifetimeDoesNotReportTests
{
    private const string Broken = """
        using System;
        using System.Threading;
        using System.Threading.Tasks;

        public class Editing : Missing
        {
            private readonly Unknown _x;

            public async Task RunAsync(CancellationToken )
            {
                _ = Task.Run(() => _x.DoAsync(;
                Task.Factory.StartNew(;
                new Task().Start();
                _ = NotDeclared();
                while (true)
                {
                    await _x.
                }

                for (;;) { await Task.Delay(; }
                var cts = CancellationTokenSource.CreateLinkedTokenSource(;
                var t = new CancellationTokenSource(TimeSpan.FromSeconds(;
                t.CancelAfter(
                CancellationTokenSource c2;
                c2 = CancellationTokenSource.CreateLinkedTokenSource(undefined);
                _ = c2.Token.;
            }
        }
        """;

    private static Task NoCrash<TAnalyzer>()
        where TAnalyzer : DiagnosticAnalyzer, new()
    {
        var test = new AnalyzerTest<TAnalyzer> { TestCode = Broken, CompilerDiagnostics = CompilerDiagnostics.None };
        test.TestBehaviors |= TestBehaviors.SkipSuppressionCheck;
        return test.RunAsync(CancellationToken.None);
    }

    /// <summary>
    /// Quartz.NET's cluster check-in loop as an IDE sees it while `using System.Threading;` is missing (the project
    /// relies on implicit usings): the token's type is unresolved, so its reads can't be recognised.
    /// </summary>
    private const string TokenTypeUnresolved = """
        using System;
        using System.Threading.Tasks;

        public sealed class ClusterManager
        {
            private int _failures;

            private async Task RunAsync(CancellationToken token)
            {
                _ = Task.Run(() => CheckInAsync(token));
                while (true)
                {
                    token.ThrowIfCancellationRequested();
                    await Task.Delay(TimeSpan.FromSeconds(15), token);
                    _failures = 0;
                }
            }

            private Task CheckInAsync(CancellationToken token) => Task.Delay(10, token);
        }
        """;

    [Fact]
    public Task UnresolvedTokenTypeReportsNothing()
    {
        var test = new AnalyzerSetTest(new DetachedTaskAnalyzer(), new EndlessLoopAnalyzer()) { TestCode = TokenTypeUnresolved, CompilerDiagnostics = CompilerDiagnostics.None };
        return test.RunAsync(CancellationToken.None);
    }

    [Fact]
    public Task DetachedTaskAnalyzerSurvivesBrokenCode() => NoCrash<DetachedTaskAnalyzer>();

    [Fact]
    public Task EndlessLoopAnalyzerSurvivesBrokenCode() => NoCrash<EndlessLoopAnalyzer>();

    [Fact]
    public Task UndisposedTokenSourceAnalyzerSurvivesBrokenCode() => NoCrash<UndisposedTokenSourceAnalyzer>();
}
