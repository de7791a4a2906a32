using System.Threading.Tasks;
using Bounded.Analyzers.Lifetime;
using Xunit;
using static Bounded.Analyzers.Tests.Rules.Lifetime.BND2003Verify;

namespace Bounded.Analyzers.Tests.Rules.Lifetime;

/// <summary>BND2003: look-alikes and options that must stay quiet.</summary>
public class BND2003DoesNotReportTests
{
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
