using System.Threading.Tasks;
using Bounded.Analyzers.Lifetime;
using Bounded.CodeFixes.Lifetime;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace Bounded.Analyzers.Tests.Rules.Lifetime;

public class BND2003FixTests
{
    private static Task Fix(string source, string fixedSource) =>
        Verify.FixAsync<UndisposedTokenSourceAnalyzer, UndisposedTokenSourceCodeFixProvider>(LifetimeSources.Wrap(source), LifetimeSources.Wrap(fixedSource), UndisposedTokenSourceCodeFixProvider.UsingKey);

    private static Task NoFix(string source) =>
        Verify.NoFixAsync<UndisposedTokenSourceAnalyzer, UndisposedTokenSourceCodeFixProvider>(LifetimeSources.Wrap(source));

    [Fact]
    public Task LinkedSourceGetsUsingDeclaration() => Fix("""
        public class OrdersController : ControllerBase
        {
            private readonly IOrderStore _store = null!;

            public async Task<Order?> Get(int id, CancellationToken cancellationToken)
            {
                // one budget for the whole request
                var cts = {|BND2003:CancellationTokenSource.CreateLinkedTokenSource|}(cancellationToken, HttpContext.RequestAborted);
                cts.CancelAfter(TimeSpan.FromSeconds(5));
                return await _store.FindAsync(id, cts.Token);
            }
        }
        """, """
        public class OrdersController : ControllerBase
        {
            private readonly IOrderStore _store = null!;

            public async Task<Order?> Get(int id, CancellationToken cancellationToken)
            {
                // one budget for the whole request
                using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, HttpContext.RequestAborted);
                cts.CancelAfter(TimeSpan.FromSeconds(5));
                return await _store.FindAsync(id, cts.Token);
            }
        }
        """);

    [Fact]
    public Task FixAllInLoopAndTimeoutSources() => Fix("""
        public class Consumer : BackgroundService
        {
            private readonly IQueueClient _queue = null!;

            protected override async Task ExecuteAsync(CancellationToken stoppingToken)
            {
                CancellationTokenSource warmup = {|BND2003:new CancellationTokenSource(TimeSpan.FromSeconds(30))|};
                await Task.Delay(10, warmup.Token);
                while (!stoppingToken.IsCancellationRequested)
                {
                    var perMessage = {|BND2003:CancellationTokenSource.CreateLinkedTokenSource|}(stoppingToken);
                    perMessage.CancelAfter(10_000);
                    var message = await _queue.ReceiveAsync(perMessage.Token);
                    if (message is not null)
                    {
                        perMessage.Token.ThrowIfCancellationRequested();
                        await _queue.CompleteAsync(message, perMessage.Token);
                    }
                }
            }
        }
        """, """
        public class Consumer : BackgroundService
        {
            private readonly IQueueClient _queue = null!;

            protected override async Task ExecuteAsync(CancellationToken stoppingToken)
            {
                using CancellationTokenSource warmup = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                await Task.Delay(10, warmup.Token);
                while (!stoppingToken.IsCancellationRequested)
                {
                    using var perMessage = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                    perMessage.CancelAfter(10_000);
                    var message = await _queue.ReceiveAsync(perMessage.Token);
                    if (message is not null)
                    {
                        perMessage.Token.ThrowIfCancellationRequested();
                        await _queue.CompleteAsync(message, perMessage.Token);
                    }
                }
            }
        }
        """);

    [Fact]
    public Task SynchronousUseIsContained() => Fix("""
        public class Waiter
        {
            public bool Wait(SemaphoreSlim gate, CancellationToken cancellationToken)
            {
                var cts = {|BND2003:CancellationTokenSource.CreateLinkedTokenSource|}(cancellationToken);
                cts.CancelAfter(100);
                return gate.Wait(Timeout.Infinite, cts.Token);
            }
        }
        """, """
        public class Waiter
        {
            public bool Wait(SemaphoreSlim gate, CancellationToken cancellationToken)
            {
                using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                cts.CancelAfter(100);
                return gate.Wait(Timeout.Infinite, cts.Token);
            }
        }
        """);

    [Fact]
    public Task NoFixWhenTokenGoesToDetachedWork() => NoFix("""
        public class Fire
        {
            public void Start(CancellationToken cancellationToken)
            {
                var cts = {|BND2003:CancellationTokenSource.CreateLinkedTokenSource|}(cancellationToken);
                _ = Task.Delay(1000, cts.Token);
            }
        }
        """);

    [Fact]
    public Task NoFixWhenTokenIsReturned() => NoFix("""
        public class Budget
        {
            public CancellationToken For(CancellationToken cancellationToken)
            {
                var cts = {|BND2003:new CancellationTokenSource(TimeSpan.FromSeconds(1))|};
                return cts.Token;
            }
        }
        """);

    [Fact]
    public Task NoFixWhenTokenIsStored() => NoFix("""
        public class Budget
        {
            private CancellationToken _token;

            public void Arm(CancellationToken cancellationToken)
            {
                var cts = {|BND2003:CancellationTokenSource.CreateLinkedTokenSource|}(cancellationToken);
                _token = cts.Token;
            }
        }
        """);

    [Fact]
    public Task NoFixWhenReassigned() => NoFix("""
        public class Retry
        {
            public async Task RunAsync(CancellationToken cancellationToken)
            {
                var cts = {|BND2003:CancellationTokenSource.CreateLinkedTokenSource|}(cancellationToken);
                await Task.Delay(1, cts.Token);
                cts = new CancellationTokenSource();
                await Task.Delay(1, cts.Token);
            }
        }
        """);

    [Fact]
    public Task NoFixWhenCapturedByALambdaThatIsNotAwaited() => NoFix("""
        public class Timer3
        {
            public Func<Task> Arm(CancellationToken cancellationToken)
            {
                var cts = {|BND2003:CancellationTokenSource.CreateLinkedTokenSource|}(cancellationToken);
                return () => Task.Delay(1, cts.Token);
            }
        }
        """);

    [Fact]
    public Task UsingStatementBeforeCSharp8() => Verify.FixAsync<UndisposedTokenSourceAnalyzer, UndisposedTokenSourceCodeFixProvider>("""
        using System.Threading;
        using System.Threading.Tasks;

        public class Old
        {
            public async Task<int> RunAsync(CancellationToken cancellationToken)
            {
                var cts = {|BND2003:CancellationTokenSource.CreateLinkedTokenSource|}(cancellationToken);
                cts.CancelAfter(1000);
                await Task.Delay(1, cts.Token);
                var done = 1;
                return done;
            }
        }
        """, """
        using System.Threading;
        using System.Threading.Tasks;

        public class Old
        {
            public async Task<int> RunAsync(CancellationToken cancellationToken)
            {
                using (var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
                {
                    cts.CancelAfter(1000);
                    await Task.Delay(1, cts.Token);
                }

                var done = 1;
                return done;
            }
        }
        """, UndisposedTokenSourceCodeFixProvider.UsingKey, languageVersion: LanguageVersion.CSharp7_3);

    [Fact]
    public Task UsingStatementInSwitchSection() => Fix("""
        public class Router
        {
            private readonly IOrderStore _store = null!;

            public async Task RouteAsync(string kind, Order order, CancellationToken cancellationToken)
            {
                switch (kind)
                {
                    case "save":
                        var cts = {|BND2003:CancellationTokenSource.CreateLinkedTokenSource|}(cancellationToken);
                        cts.CancelAfter(1000);
                        await _store.SaveAsync(order, cts.Token);
                        break;
                }
            }
        }
        """, """
        public class Router
        {
            private readonly IOrderStore _store = null!;

            public async Task RouteAsync(string kind, Order order, CancellationToken cancellationToken)
            {
                switch (kind)
                {
                    case "save":
                        using (var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
                        {
                            cts.CancelAfter(1000);
                            await _store.SaveAsync(order, cts.Token);
                        }

                        break;
                }
            }
        }
        """);

    [Fact]
    public Task NoUsingStatementWhenALaterStatementNeedsALocalFromTheRange() => NoFix("""
        public class Router
        {
            public async Task<int> RouteAsync(string kind, CancellationToken cancellationToken)
            {
                switch (kind)
                {
                    case "wait":
                        var cts = {|BND2003:CancellationTokenSource.CreateLinkedTokenSource|}(cancellationToken);
                        var done = 1;
                        await Task.Delay(done, cts.Token);
                        return done;
                    default:
                        return 0;
                }
            }
        }
        """);
}
