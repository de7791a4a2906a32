using System.Threading.Tasks;
using Bounded.Analyzers.Lifetime;
using Xunit;
using static Bounded.Analyzers.Tests.Rules.Lifetime.BND2003Verify;

namespace Bounded.Analyzers.Tests.Rules.Lifetime;

/// <summary>BND2003: code that is reported.</summary>
public class BND2003ReportsTests
{
    [Fact]
    public Task LinkedInControllerAction() => Reports("""
        public class OrdersController : ControllerBase
        {
            private readonly IOrderStore _store = null!;

            public async Task<Order?> Get(int id, CancellationToken cancellationToken)
            {
                var cts = {|#0:CancellationTokenSource.CreateLinkedTokenSource|}(cancellationToken, HttpContext.RequestAborted);
                return await _store.FindAsync(id, cts.Token);
            }
        }
        """, Linked("cts"));

    [Fact]
    public Task TimeoutInHttpCall() => Reports("""
        public class Client
        {
            private readonly HttpClient _http = new();

            public async Task<string> GetAsync(string url)
            {
                var timeout = {|#0:new CancellationTokenSource(TimeSpan.FromSeconds(5))|};
                return await _http.GetStringAsync(url, timeout.Token);
            }
        }
        """, Timeout("timeout"));

    [Fact]
    public Task CancelAfterOnPlainSource() => Reports("""
        public class Client
        {
            private readonly HttpClient _http = new();

            public async Task<string> GetAsync(string url)
            {
                var cts = {|#0:new CancellationTokenSource()|};
                cts.CancelAfter(5000);
                return await _http.GetStringAsync(url, cts.Token);
            }
        }
        """, Timeout("cts"));

    [Fact]
    public Task LinkedInMessageHandler() => Reports("""
        public class OrderHandler : IMessageHandler<Order>
        {
            private readonly IOrderStore _store = null!;
            private readonly IHostApplicationLifetime _lifetime = null!;

            public async Task HandleAsync(Order message, CancellationToken cancellationToken)
            {
                var linked = {|#0:CancellationTokenSource.CreateLinkedTokenSource|}(cancellationToken, _lifetime.ApplicationStopping);
                linked.CancelAfter(TimeSpan.FromSeconds(30));
                await _store.SaveAsync(message, linked.Token);
            }
        }
        """, Linked("linked"));

    [Fact]
    public Task LinkedPerIterationInBackgroundService() => Reports("""
        public class Consumer : BackgroundService
        {
            private readonly IQueueClient _queue = null!;

            protected override async Task ExecuteAsync(CancellationToken stoppingToken)
            {
                while (!stoppingToken.IsCancellationRequested)
                {
                    var perMessage = {|#0:CancellationTokenSource.CreateLinkedTokenSource|}(stoppingToken);
                    perMessage.CancelAfter(10_000);
                    var message = await _queue.ReceiveAsync(perMessage.Token);
                }
            }
        }
        """, Linked("perMessage"));

    [Fact]
    public Task DisposedOnlyInOneBranch() => Reports("""
        public class Client
        {
            public async Task RunAsync(bool fast, CancellationToken cancellationToken)
            {
                var cts = {|#0:CancellationTokenSource.CreateLinkedTokenSource|}(cancellationToken);
                await Task.Delay(10, cts.Token);
                if (fast)
                {
                    cts.Dispose();
                }
            }
        }
        """, Linked("cts"));

    [Fact]
    public Task DisposeSkippedByEarlyReturn() => Reports("""
        public class Client
        {
            private readonly IOrderStore _store = null!;

            public async Task<Order?> FindAsync(int id, CancellationToken cancellationToken)
            {
                var cts = {|#0:CancellationTokenSource.CreateLinkedTokenSource|}(cancellationToken);
                var order = await _store.FindAsync(id, cts.Token);
                if (order is null)
                {
                    return null;
                }

                cts.Dispose();
                return order;
            }
        }
        """, Linked("cts"));

    [Fact]
    public Task AssignedToDeclaredLocal() => Reports("""
        public class Client
        {
            public async Task RunAsync(CancellationToken cancellationToken)
            {
                CancellationTokenSource cts;
                cts = {|#0:CancellationTokenSource.CreateLinkedTokenSource|}(cancellationToken);
                await Task.Delay(10, cts.Token);
            }
        }
        """, Linked("cts"));

    [Fact]
    public Task TimeSpanMillisecondsConstructor() => Reports("""
        public class Files
        {
            public async Task<string> ReadAsync(string path)
            {
                var timeout = {|#0:new CancellationTokenSource(2000)|};
                return await File.ReadAllTextAsync(path, timeout.Token);
            }
        }
        """, Timeout("timeout"));

    [Fact]
    public Task ExplicitlyTyped() => Reports("""
        public class Files
        {
            public async Task<string> ReadAsync(string path, CancellationToken cancellationToken)
            {
                CancellationTokenSource source = {|#0:CancellationTokenSource.CreateLinkedTokenSource|}(cancellationToken);
                return await File.ReadAllTextAsync(path, source.Token);
            }
        }
        """, Linked("source"));

    [Fact]
    public Task MinimalApiLambda() => Reports("""
        public static class Endpoints
        {
            public static Func<int, CancellationToken, Task<Order?>> Find(IOrderStore store) => async (id, ct) =>
            {
                var cts = {|#0:CancellationTokenSource.CreateLinkedTokenSource|}(ct);
                cts.CancelAfter(1000);
                return await store.FindAsync(id, cts.Token);
            };
        }
        """, Linked("cts"));

    [Fact]
    public Task TokenUsedInsideLambdaButSourceNotDisposed() => Reports("""
        public class Runner
        {
            public async Task RunAsync(CancellationToken cancellationToken)
            {
                var cts = {|#0:CancellationTokenSource.CreateLinkedTokenSource|}(cancellationToken);
                await Task.Run(() => Thread.Sleep(1), cts.Token);
            }
        }
        """, Linked("cts"));

    [Fact]
    public Task SyncMethod() => Reports("""
        public class Waiter
        {
            public bool Wait(SemaphoreSlim gate, CancellationToken cancellationToken)
            {
                var cts = {|#0:CancellationTokenSource.CreateLinkedTokenSource|}(cancellationToken);
                cts.CancelAfter(100);
                return gate.Wait(Timeout.Infinite, cts.Token);
            }
        }
        """, Linked("cts"));

    [Fact]
    public Task CancelCalledButNotDisposed() => Reports("""
        public class Racer
        {
            public async Task RaceAsync(CancellationToken cancellationToken)
            {
                var cts = {|#0:CancellationTokenSource.CreateLinkedTokenSource|}(cancellationToken);
                var first = await Task.WhenAny(Task.Delay(100, cts.Token), Task.Delay(200, cts.Token));
                cts.Cancel();
            }
        }
        """, Linked("cts"));

    [Fact]
    public Task LocalFunction() => Reports("""
        public class Outer
        {
            public Task RunAsync(CancellationToken cancellationToken)
            {
                return Inner();

                async Task Inner()
                {
                    var cts = {|#0:CancellationTokenSource.CreateLinkedTokenSource|}(cancellationToken);
                    await Task.Delay(1, cts.Token);
                }
            }
        }
        """, Linked("cts"));

    [Fact]
    public Task TwoSourcesBothLeak() => Reports("""
        public class Double
        {
            public async Task RunAsync(CancellationToken cancellationToken)
            {
                var a = {|#0:CancellationTokenSource.CreateLinkedTokenSource|}(cancellationToken);
                var b = {|#1:new CancellationTokenSource(TimeSpan.FromSeconds(1))|};
                await Task.Delay(1, a.Token);
                await Task.Delay(1, b.Token);
            }
        }
        """, Linked("a", 0), Timeout("b", 1));

    [Fact]
    public Task DisposeInCatchOnlyIsNotEveryPath() => Reports("""
        public class Careful
        {
            public async Task RunAsync(CancellationToken cancellationToken)
            {
                var cts = {|#0:CancellationTokenSource.CreateLinkedTokenSource|}(cancellationToken);
                try
                {
                    await Task.Delay(1, cts.Token);
                }
                catch (OperationCanceledException)
                {
                    cts.Dispose();
                    throw;
                }
            }
        }
        """, Linked("cts"));

    [Fact]
    public Task TokenCheckedSynchronously() => Reports("""
        public class Loop
        {
            public void Process(IEnumerable<string> lines, CancellationToken cancellationToken)
            {
                var cts = {|#0:CancellationTokenSource.CreateLinkedTokenSource|}(cancellationToken);
                cts.CancelAfter(TimeSpan.FromMinutes(1));
                foreach (var line in lines)
                {
                    cts.Token.ThrowIfCancellationRequested();
                    Console.WriteLine(line);
                }
            }
        }
        """, Linked("cts"));

    [Fact]
    public Task DisposeBeforeThrowPathIsNotEveryPath() => Reports("""
        public class Checker
        {
            public async Task CheckAsync(bool ok, CancellationToken cancellationToken)
            {
                var cts = {|#0:CancellationTokenSource.CreateLinkedTokenSource|}(cancellationToken);
                await Task.Delay(1, cts.Token);
                if (!ok) throw new InvalidOperationException();
                cts.Dispose();
            }
        }
        """, Linked("cts"));

    [Fact]
    public Task StaticMethod() => Reports("""
        public static class Http
        {
            public static async Task<string> GetAsync(HttpClient http, string url, CancellationToken cancellationToken)
            {
                var cts = {|#0:CancellationTokenSource.CreateLinkedTokenSource|}(cancellationToken);
                cts.CancelAfter(TimeSpan.FromSeconds(10));
                return await http.GetStringAsync(url, cts.Token);
            }
        }
        """, Linked("cts"));

    [Fact]
    public Task TimeoutPerIterationInMainIsStillReported() => Reports("""
        public static class Program
        {
            public static async Task Main(string[] args)
            {
                foreach (var url in args)
                {
                    var cts = {|#0:new CancellationTokenSource(TimeSpan.FromSeconds(5))|};
                    await Task.Delay(100, cts.Token);
                }
            }
        }
        """, Timeout("cts"));
}
