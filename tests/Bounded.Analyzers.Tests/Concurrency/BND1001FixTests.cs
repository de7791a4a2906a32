using System.Threading.Tasks;
using Bounded.Analyzers.Concurrency;
using Bounded.CodeFixes.Concurrency;
using Xunit;

namespace Bounded.Analyzers.Tests.Concurrency;

public class BND1001FixTests
{
    private const string Key = UnboundedTaskSpawnCodeFixProvider.SemaphoreKey;

    [Fact]
    public Task AsyncLoopWaitsBeforeSpawning() => Verify.FixAsync<UnboundedTaskSpawnAnalyzer, UnboundedTaskSpawnCodeFixProvider>("""
        using System.Collections.Generic;
        using System.Net.Http;
        using System.Threading;
        using System.Threading.Tasks;

        class Crawler
        {
            private readonly HttpClient _http = new HttpClient();

            public async Task<string[]> CrawlAsync(IEnumerable<string> urls, CancellationToken cancellationToken)
            {
                var tasks = new List<Task<string>>();
                foreach (var url in urls)
                {
                    tasks.Add({|BND1001:Task.Run|}(() => _http.GetStringAsync(url, cancellationToken)));
                }

                return await Task.WhenAll(tasks);
            }
        }
        """, """
        using System;
        using System.Collections.Generic;
        using System.Net.Http;
        using System.Threading;
        using System.Threading.Tasks;

        class Crawler
        {
            private readonly HttpClient _http = new HttpClient();

            public async Task<string[]> CrawlAsync(IEnumerable<string> urls, CancellationToken cancellationToken)
            {
                var tasks = new List<Task<string>>();
                var maxConcurrency = Environment.ProcessorCount;
                using var throttle = new SemaphoreSlim(maxConcurrency);
                foreach (var url in urls)
                {
                    await throttle.WaitAsync(cancellationToken);
                    tasks.Add(Task.Run(async () =>
                    {
                        try
                        {
                            return await _http.GetStringAsync(url, cancellationToken);
                        }
                        finally
                        {
                            throttle.Release();
                        }
                    }));
                }

                return await Task.WhenAll(tasks);
            }
        }
        """, Key);
}
