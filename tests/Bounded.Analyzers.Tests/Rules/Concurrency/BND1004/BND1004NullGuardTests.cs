using System.Threading.Tasks;
using Bounded.Analyzers.Concurrency;
using Bounded.Analyzers.Tests.Rules.Memory;
using Bounded.CodeFixes.Concurrency;
using Xunit;
using static Bounded.Analyzers.Tests.Rules.Concurrency.BND1004Verify;

namespace Bounded.Analyzers.Tests.Rules.Concurrency;

/// <summary>
/// A null test of the semaphore is not a taken flag: it says a semaphore exists, not that its slot was taken. A wait
/// inside the try whose finally releases under such a test (<c>gate?.Release()</c>, <c>if (gate != null)</c>)
/// releases a slot another caller holds when the wait is cancelled; so does a semaphore local picked inside the try.
/// </summary>
public class BND1004NullGuardTests
{
    private const string Gates = """

            private readonly System.Collections.Concurrent.ConcurrentDictionary<string, SemaphoreSlim> _gates = new();
            private SemaphoreSlim GateFor(string key) => _gates.GetOrAdd(key, _ => new SemaphoreSlim(1, 1));
        """;

    [Fact]
    public Task LocalPickedInsideTheTryAndReleasedWithConditionalAccess() => Check("""
            public async Task SaveAsync(Message message, CancellationToken cancellationToken)
            {
                SemaphoreSlim? gate = null;
                try
                {
                    gate = GateFor(message.Id);
                    await gate.{|BND1004:WaitAsync|}(cancellationToken);
                    await SaveAsync(message.Id, cancellationToken);
                }
                finally
                {
                    gate?.Release();
                }
            }
        """ + Gates);

    [Fact]
    public Task LocalPickedInsideTheTryAndReleasedUnderANotNullTest() => Check("""
            public void Update(string key, CancellationToken cancellationToken)
            {
                SemaphoreSlim? gate = null;
                try
                {
                    gate = GateFor(key);
                    gate.{|BND1004:Wait|}(cancellationToken);
                    _count++;
                }
                finally
                {
                    if (gate != null)
                    {
                        gate.Release();
                    }
                }
            }
        """ + Gates);

    [Fact]
    public Task LocalPickedInsideTheTryAndReleasedUnderAnIsNotNullPattern() => Check("""
            public async Task<string> FetchAsync(string url, CancellationToken cancellationToken)
            {
                SemaphoreSlim? gate = null;
                try
                {
                    gate = GateFor(new Uri(url).Host);
                    await gate.{|BND1004:WaitAsync|}(cancellationToken).ConfigureAwait(false);
                    return await _http.GetStringAsync(url, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    if (gate is not null)
                    {
                        gate.Release();
                    }
                }
            }
        """ + Gates);

    [Fact]
    public Task FieldReleasedWithConditionalAccessAfterAWaitInsideTheTry() => Check("""
            public async Task FlushAsync(Message message, CancellationToken cancellationToken)
            {
                try
                {
                    await _gate.{|BND1004:WaitAsync|}(cancellationToken);
                    await SaveAsync(message.Id, cancellationToken);
                }
                finally
                {
                    _gate?.Release();
                }
            }
        """);

    /// <summary>
    /// CurrentCount == 0 only says some caller holds a slot, not this one: the cancelled wait still releases. One finding
    /// per wait: the conditional release is judged once the wait has moved before the try.
    /// </summary>
    [Fact]
    public Task ReleaseUnderACurrentCountTest() => Check("""
            public async Task SaveAsync(Message message, CancellationToken cancellationToken)
            {
                try
                {
                    await _gate.{|BND1004:WaitAsync|}(cancellationToken);
                    await SaveAsync(message.Id, cancellationToken);
                }
                finally
                {
                    if (_gate.CurrentCount == 0)
                    {
                        _gate.Release();
                    }
                }
            }
        """);

    [Fact]
    public Task LocalPickedInsideTheTryOfALoopBody() => Check("""
            public async Task SaveAllAsync(IReadOnlyList<Message> messages, CancellationToken cancellationToken)
            {
                foreach (var message in messages)
                {
                    SemaphoreSlim? gate = null;
                    try
                    {
                        gate = GateFor(message.Id);
                        await gate.{|BND1004:WaitAsync|}(cancellationToken);
                        await SaveAsync(message.Id, cancellationToken);
                    }
                    finally
                    {
                        gate?.Release();
                    }
                }
            }
        """ + Gates);

    /// <summary>A bool set after the wait is a taken flag.</summary>
    [Fact]
    public Task TakenFlagSetAfterTheWaitIsAGuard() => Check("""
            public async Task SaveAsync(Message message, CancellationToken cancellationToken)
            {
                SemaphoreSlim? gate = null;
                var taken = false;
                try
                {
                    gate = GateFor(message.Id);
                    await gate.WaitAsync(cancellationToken);
                    taken = true;
                    await SaveAsync(message.Id, cancellationToken);
                }
                finally
                {
                    if (taken)
                    {
                        gate!.Release();
                    }
                }
            }
        """ + Gates);

    /// <summary>An optional throttle: no semaphore means no limit; the wait is before the try.</summary>
    [Fact]
    public Task OptionalThrottleWaitedBeforeTheTry() => Check("""
            private readonly int _limit = 4;

            public async Task SaveAsync(Message message, CancellationToken cancellationToken)
            {
                SemaphoreSlim? gate = _limit > 0 ? GateFor("all") : null;
                if (gate != null)
                {
                    await gate.WaitAsync(cancellationToken);
                }

                try
                {
                    await SaveAsync(message.Id, cancellationToken);
                }
                finally
                {
                    gate?.Release();
                }
            }
        """ + Gates);

    /// <summary>The reference is kept only after the wait succeeded: its null test is a taken flag.</summary>
    [Fact]
    public Task ReferenceKeptOnlyAfterTheWaitSucceeded() => Check("""
            public async Task SaveAsync(Message message, CancellationToken cancellationToken)
            {
                SemaphoreSlim? held = null;
                var gate = GateFor(message.Id);
                try
                {
                    await gate.WaitAsync(cancellationToken);
                    held = gate;
                    await SaveAsync(message.Id, cancellationToken);
                }
                finally
                {
                    held?.Release();
                }
            }
        """ + Gates);

    [Fact]
    public Task LocalPickedBeforeTheTryAndReleasedWithConditionalAccess() => Check("""
            public async Task SaveAsync(Message message, CancellationToken cancellationToken)
            {
                var gate = GateFor(message.Id);
                await gate.WaitAsync(cancellationToken);
                try
                {
                    await SaveAsync(message.Id, cancellationToken);
                }
                finally
                {
                    gate?.Release();
                }
            }
        """ + Gates);

    [Fact]
    public Task LocalRepickedPerIterationAndWaitedBeforeTheTry() => Check("""
            public async Task SaveAllAsync(IReadOnlyList<Message> messages, CancellationToken cancellationToken)
            {
                SemaphoreSlim gate;
                foreach (var message in messages)
                {
                    gate = GateFor(message.Id);
                    await gate.WaitAsync(cancellationToken);
                    try
                    {
                        await SaveAsync(message.Id, cancellationToken);
                    }
                    finally
                    {
                        gate.Release();
                    }
                }
            }
        """ + Gates);

    /// <summary>A try-wait whose result is the flag: the release is guarded by it.</summary>
    [Fact]
    public Task EnteredFlagFromATryWaitGuardsTheRelease() => Check("""
            public void TryUpdate(string key)
            {
                SemaphoreSlim? gate = null;
                var entered = false;
                try
                {
                    gate = GateFor(key);
                    entered = gate.Wait(0);
                    if (entered)
                    {
                        _count++;
                    }
                }
                finally
                {
                    if (entered)
                    {
                        gate?.Release();
                    }
                }
            }
        """ + Gates);

    [Fact]
    public Task FixMovesThePickAndTheWaitBeforeTheTry() => Verify.FixAsync<SemaphoreMisuseAnalyzer, SemaphoreMisuseCodeFixProvider>(MemorySources.Wrap("""
            public async Task SaveAsync(Message message, CancellationToken cancellationToken)
            {
                SemaphoreSlim? gate = null;
                try
                {
                    gate = GateFor(message.Id);
                    await gate.{|BND1004:WaitAsync|}(cancellationToken);
                    await SaveAsync(message.Id, cancellationToken);
                }
                finally
                {
                    gate?.Release();
                }
            }

            public void Update(string key, CancellationToken cancellationToken)
            {
                SemaphoreSlim? gate = null;
                try
                {
                    gate = GateFor(key);
                    gate.{|BND1004:Wait|}(cancellationToken);
                    _count++;
                }
                finally
                {
                    if (gate != null)
                    {
                        gate.Release();
                    }
                }
            }
        """ + Gates), MemorySources.Wrap("""
            public async Task SaveAsync(Message message, CancellationToken cancellationToken)
            {
                SemaphoreSlim? gate = null;
                gate = GateFor(message.Id);
                await gate.WaitAsync(cancellationToken);
                try
                {
                    await SaveAsync(message.Id, cancellationToken);
                }
                finally
                {
                    gate?.Release();
                }
            }

            public void Update(string key, CancellationToken cancellationToken)
            {
                SemaphoreSlim? gate = null;
                gate = GateFor(key);
                gate.Wait(cancellationToken);
                try
                {
                    _count++;
                }
                finally
                {
                    if (gate != null)
                    {
                        gate.Release();
                    }
                }
            }
        """ + Gates), SemaphoreMisuseCodeFixProvider.FixKey);

    /// <summary>Another statement before the wait could throw before the slot is taken: no fix moves it.</summary>
    [Fact]
    public Task NoFixWhenOtherWorkPrecedesTheWaitInTheTry() => Verify.NoFixAsync<SemaphoreMisuseAnalyzer, SemaphoreMisuseCodeFixProvider>(MemorySources.Wrap("""
            public async Task SaveAsync(Message message, CancellationToken cancellationToken)
            {
                SemaphoreSlim? gate = null;
                try
                {
                    Log(message.Id);
                    gate = GateFor(message.Id);
                    await gate.{|BND1004:WaitAsync|}(cancellationToken);
                    await SaveAsync(message.Id, cancellationToken);
                }
                finally
                {
                    gate?.Release();
                }
            }
        """ + Gates));
}
