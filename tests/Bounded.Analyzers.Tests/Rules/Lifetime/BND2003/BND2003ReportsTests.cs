using System.Threading.Tasks;
using Bounded.Analyzers.Lifetime;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using Xunit;

namespace Bounded.Analyzers.Tests.Lifetime;

public class BND2003AnalyzerTests
{
    private static DiagnosticResult Linked(string local, int marker = 0) =>
        new DiagnosticResult(RuleIds.UndisposedTokenSource, DiagnosticSeverity.Warning).WithLocation(marker).WithArguments(local, "linked", "registration on the parent token");

    private static DiagnosticResult Timeout(string local, int marker = 0) =>
        new DiagnosticResult(RuleIds.UndisposedTokenSource, DiagnosticSeverity.Warning).WithLocation(marker).WithArguments(local, "timeout", "timer");

    private static Task Reports(string code, params DiagnosticResult[] expected) => Verify.AnalyzerAsync<UndisposedTokenSourceAnalyzer>(LifetimeSource.Code(code), expected);

    private static Task Clean(string code) => Verify.AnalyzerAsync<UndisposedTokenSourceAnalyzer>(LifetimeSource.Code(code));

    // ---- positives ----

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

    // ---- negatives ----

    // Orleans' ChaoticCluster playground: the run's time limit, created once by Main.
    [Fact]
    public Task TimeoutCreatedOnceInMain() => Clean("""
        public static class Program
        {
            public static async Task Main(string[] args)
            {
                var cts = new CancellationTokenSource(TimeSpan.FromMinutes(15));
                while (!cts.IsCancellationRequested)
                {
                    await Task.Delay(1000, cts.Token);
                }
            }
        }
        """);

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

    [Fact]
    public Task UsingDeclaration() => Clean("""
        public class Client
        {
            public async Task RunAsync(CancellationToken cancellationToken)
            {
                using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                await Task.Delay(1, cts.Token);
            }
        }
        """);

    [Fact]
    public Task UsingStatement() => Clean("""
        public class Client
        {
            public async Task RunAsync(CancellationToken cancellationToken)
            {
                using (var cts = new CancellationTokenSource(TimeSpan.FromSeconds(1)))
                {
                    await Task.Delay(1, cts.Token);
                }
            }
        }
        """);

    [Fact]
    public Task DisposedInFinally() => Clean("""
        public class Client
        {
            public async Task RunAsync(CancellationToken cancellationToken)
            {
                var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                try
                {
                    await Task.Delay(1, cts.Token);
                }
                finally
                {
                    cts.Dispose();
                }
            }
        }
        """);

    [Fact]
    public Task NullConditionalDisposeInFinally() => Clean("""
        public class Client
        {
            public async Task RunAsync(CancellationToken cancellationToken)
            {
                CancellationTokenSource? cts = null;
                try
                {
                    cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    await Task.Delay(1, cts.Token);
                }
                finally
                {
                    cts?.Dispose();
                }
            }
        }
        """);

    [Fact]
    public Task DisposedAtEndOfStraightLineBlock() => Clean("""
        public class Client
        {
            public async Task RunAsync(CancellationToken cancellationToken)
            {
                var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                await Task.Delay(1, cts.Token);
                cts.Dispose();
            }
        }
        """);

    [Fact]
    public Task ReturnedToCaller() => Clean("""
        public class Factory
        {
            public CancellationTokenSource Create(CancellationToken cancellationToken)
            {
                var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                cts.CancelAfter(1000);
                return cts;
            }
        }
        """);

    [Fact]
    public Task StoredInField() => Clean("""
        public sealed class Session : IDisposable
        {
            private CancellationTokenSource? _cts;

            public void Start(CancellationToken cancellationToken)
            {
                var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                _cts = cts;
            }

            public void Dispose() => _cts?.Dispose();
        }
        """);

    [Fact]
    public Task FieldInitialisedDirectly() => Clean("""
        public sealed class Session : IDisposable
        {
            private readonly CancellationTokenSource _cts;

            public Session(CancellationToken cancellationToken) => _cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);

            public void Dispose() => _cts.Dispose();
        }
        """);

    [Fact]
    public Task PassedToOwner() => Clean("""
        public sealed class Operation
        {
            public Operation(CancellationTokenSource source) { }
        }

        public class Starter
        {
            public Operation Start(CancellationToken cancellationToken)
            {
                var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                return new Operation(cts);
            }
        }
        """);

    [Fact]
    public Task AddedToCollection() => Clean("""
        public class Registry
        {
            private readonly List<CancellationTokenSource> _sources = new();

            public CancellationToken Register(CancellationToken cancellationToken)
            {
                var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                _sources.Add(cts);
                return cts.Token;
            }
        }
        """);

    [Fact]
    public Task PlainSourceWithoutTimer() => Clean("""
        public class Manual
        {
            public async Task RunAsync()
            {
                var cts = new CancellationTokenSource();
                await Task.Delay(1, cts.Token);
                cts.Cancel();
            }
        }
        """);

    [Fact]
    public Task DisposedByTheDetachedWork() => Clean("""
        public class Fire
        {
            public void Start(CancellationToken cancellationToken)
            {
                var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                _ = Task.Run(async () =>
                {
                    try { await Task.Delay(1000, cts.Token); }
                    finally { cts.Dispose(); }
                });
            }
        }
        """);

    [Fact]
    public Task UsingStatementOnExistingLocal() => Clean("""
        public class Client
        {
            public async Task RunAsync(CancellationToken cancellationToken)
            {
                var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                using (cts)
                {
                    await Task.Delay(1, cts.Token);
                }
            }
        }
        """);

    [Fact]
    public Task AssignedToProperty() => Clean("""
        public class Holder
        {
            public CancellationTokenSource? Source { get; private set; }

            public void Begin(CancellationToken cancellationToken)
            {
                var cts = new CancellationTokenSource(TimeSpan.FromMinutes(1));
                Source = cts;
            }
        }
        """);

    [Fact]
    public Task ReturnedInTuple() => Clean("""
        public class Factory
        {
            public (CancellationTokenSource, int) Create(CancellationToken cancellationToken)
            {
                var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                return (cts, 1);
            }
        }
        """);

    [Fact]
    public Task UsingInBackgroundServiceLoop() => Clean("""
        public class Consumer : BackgroundService
        {
            private readonly IQueueClient _queue = null!;

            protected override async Task ExecuteAsync(CancellationToken stoppingToken)
            {
                while (!stoppingToken.IsCancellationRequested)
                {
                    using var perMessage = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                    perMessage.CancelAfter(10_000);
                    var message = await _queue.ReceiveAsync(perMessage.Token);
                }
            }
        }
        """);

    [Fact]
    public Task NotHeldInALocal() => Clean("""
        public class Inline
        {
            public CancellationToken Make(CancellationToken cancellationToken) => CancellationTokenSource.CreateLinkedTokenSource(cancellationToken).Token;
        }
        """);

    [Fact]
    public Task DisposedThroughHelper() => Clean("""
        public static class Disposer { public static void Release(IDisposable d) => d.Dispose(); }

        public class Client
        {
            public async Task RunAsync(CancellationToken cancellationToken)
            {
                var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                await Task.Delay(1, cts.Token);
                Disposer.Release(cts);
            }
        }
        """);

    [Fact]
    public Task OutParameterHandsItOver() => Clean("""
        public class Factory
        {
            public void Create(CancellationToken cancellationToken, out CancellationTokenSource source)
            {
                var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                source = cts;
            }
        }
        """);

    [Fact]
    public Task UsingDeclarationInHandler() => Clean("""
        public class OrderHandler : IMessageHandler<Order>
        {
            private readonly IOrderStore _store = null!;

            public async Task HandleAsync(Order message, CancellationToken cancellationToken)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
                await _store.SaveAsync(message, linked.Token);
            }
        }
        """);
}
