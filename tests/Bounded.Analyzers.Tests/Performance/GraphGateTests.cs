using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Bounded.Analyzers.AcquireRelease;
using Bounded.Analyzers.Concurrency;
using Bounded.Analyzers.Memory;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;

namespace Bounded.Analyzers.Tests.Performance;

/// <summary>The control-flow graph is built only for functions that rent (or wait) into something the analysis tracks.</summary>
public class GraphGateTests
{
    private const string Source = """
        using System;
        using System.Buffers;
        using System.IO;
        using System.Threading;
        using System.Threading.Tasks;

        public class Worker
        {
            private readonly SemaphoreSlim _gate = new SemaphoreSlim(1);
            private byte[]? _field;

            public int Plain(int x) { var y = x * 2; for (var i = 0; i < x; i++) { y += i; } return y; }
            public async Task PlainAsync(Stream s) { await s.FlushAsync(); }
            public void Writes(Stream s) { s.Write(new byte[4], 0, 4); }
            public string Text(object o) => o.ToString() ?? "";
            public void Loops(int[] items) { foreach (var i in items) { Console.WriteLine(i); } }

            public void Rents(Stream s, int n)
            {
                var b = ArrayPool<byte>.Shared.Rent(n);
                try { s.Write(b, 0, n); } finally { ArrayPool<byte>.Shared.Return(b); }
            }

            public void RentsIntoAField(int n) { _field = ArrayPool<byte>.Shared.Rent(n); }

            public void RentsInALambda(int n) => Parallel.For(0, n, i =>
            {
                var b = ArrayPool<byte>.Shared.Rent(16);
                ArrayPool<byte>.Shared.Return(b);
            });

            public async Task WaitsAsync()
            {
                await _gate.WaitAsync();
                try { await Task.Yield(); } finally { _gate.Release(); }
            }

            public async Task WaitsWithATimeoutAsync()
            {
                if (!await _gate.WaitAsync(100))
                {
                    return;
                }

                try { await Task.Yield(); } finally { _gate.Release(); }
            }

            public void ReleasesOnly() => _gate.Release();
        }
        """;

    private static async Task<int> GraphsBuiltAsync<TAnalyzer>(TAnalyzer analyzer, System.Func<TAnalyzer, int> count)
        where TAnalyzer : DiagnosticAnalyzer
    {
        var compilation = CSharpCompilation.Create(
            "Gate",
            new[] { CSharpSyntaxTree.ParseText(Source, new CSharpParseOptions(LanguageVersion.CSharp12)) },
            TestEnvironment.NetReferences,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        var diagnostics = await compilation.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(analyzer)).GetAnalyzerDiagnosticsAsync(CancellationToken.None);
        Assert.Empty(diagnostics);
        return count(analyzer);
    }

    [Fact]
    public async Task ArrayPoolAnalyzerBuildsGraphsOnlyWhereAnArrayIsRentedIntoALocal()
    {
        // RentsInALambda only (the method body, then the lambda): Rents is the rent-then-try/finally idiom, proven
        // without a graph; RentsIntoAField tracks nothing.
        var built = await GraphsBuiltAsync(new ArrayPoolMisuseAnalyzer(), a => a.GraphsBuilt);
        Assert.Equal(2, built);
    }

    [Fact]
    public async Task SemaphoreAnalyzerBuildsAGraphOnlyWhereASemaphoreIsWaitedOn()
    {
        // WaitsWithATimeoutAsync only: WaitsAsync is the wait-then-try/finally idiom, proven without a graph.
        var built = await GraphsBuiltAsync(new SemaphoreMisuseAnalyzer(), a => a.GraphsBuilt);
        Assert.Equal(1, built);
    }
}
