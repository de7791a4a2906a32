using System.Threading.Tasks;
using Bounded.Analyzers.Concurrency;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using Xunit;

namespace Bounded.Analyzers.Tests.Concurrency;

public class BND1001AnalyzerTests
{
    private static DiagnosticResult Diagnostic(int marker, string api = "Task.Run", string where = "iteration of this loop") =>
        new DiagnosticResult(RuleIds.UnboundedTaskSpawn, DiagnosticSeverity.Warning).WithLocation(marker).WithArguments(api, where);

    private static Task Reports(string body, params DiagnosticResult[] expected) => Verify.AnalyzerAsync<UnboundedTaskSpawnAnalyzer>(Wrap(body), expected);

    private static Task Clean(string body) => Verify.AnalyzerAsync<UnboundedTaskSpawnAnalyzer>(Wrap(body));

    /// <summary>Realistic surroundings: an HTTP client, a file store and a message handler.</summary>
    internal static string Wrap(string members) => """
        using System;
        using System.Collections.Concurrent;
        using System.Collections.Generic;
        using System.IO;
        using System.Linq;
        using System.Net.Http;
        using System.Threading;
        using System.Threading.Channels;
        using System.Threading.Tasks;

        public record Order(int Id, string Customer, decimal Total);
        public record Message(string Id, byte[] Body);

        public interface IMessageHandler { Task HandleAsync(Message message, CancellationToken cancellationToken); }

        public partial class Worker
        {
            private readonly HttpClient _http = new HttpClient();
            private readonly IMessageHandler _handler = null!;
            private readonly ConcurrentBag<string> _results = new();

            private static string Transform(string line) => line.ToUpperInvariant();
            private static int Score(Order order) => (int)order.Total;
            private Task SaveAsync(Order order, CancellationToken cancellationToken = default) => Task.CompletedTask;
            private void Index(string path) { }

        """ + members + """

        }
        """;

    [Fact]
    public Task TaskRunInForEachCollectedAndAwaited() => Reports("""
            public async Task CrawlAsync(IEnumerable<string> urls, CancellationToken cancellationToken)
            {
                var tasks = new List<Task<string>>();
                foreach (var url in urls)
                {
                    tasks.Add({|#0:Task.Run|}(() => _http.GetStringAsync(url, cancellationToken)));
                }

                var pages = await Task.WhenAll(tasks);
                Console.WriteLine(pages.Length);
            }
        """, Diagnostic(0));

    [Fact]
    public Task AwaitedInSameIterationIsSequential() => Clean("""
            public async Task CrawlAsync(IEnumerable<string> urls)
            {
                foreach (var url in urls)
                {
                    var page = await Task.Run(() => _http.GetStringAsync(url));
                    _results.Add(page);
                }
            }
        """);
}
