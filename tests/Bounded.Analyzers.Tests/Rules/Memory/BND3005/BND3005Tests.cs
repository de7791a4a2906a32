using System.Threading.Tasks;
using Bounded.Analyzers.Memory;
using Bounded.CodeFixes.Memory;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using Xunit;

namespace Bounded.Analyzers.Tests.Rules.Memory;

/// <summary>BND3005: an IMemoryOwner rented from a MemoryPool and kept in a local must be disposed on every path.</summary>
public class BND3005Tests
{
    private const string Never = "is never disposed, so its memory never goes back to the pool; declare it with using";
    private const string NotEveryPath = "is not disposed on every path; declare it with using";

    private static string Skipped(string thrower) => "is not disposed if '" + thrower + "' throws; declare it with using";

    private static DiagnosticResult Owner(int marker, string name, string reason) =>
        new DiagnosticResult(RuleIds.MemoryOwnerNotDisposed, DiagnosticSeverity.Warning).WithLocation(marker).WithArguments(name, reason);

    private static Task Reports(string members, params DiagnosticResult[] expected) => Verify.AnalyzerAsync<MemoryOwnerAnalyzer>(MemorySources.Wrap(members), MemorySources.ExceptionPaths, expected);

    private static Task Clean(string members) => Verify.AnalyzerAsync<MemoryOwnerAnalyzer>(MemorySources.Wrap(members));

    private static Task Fix(string source, string fixedSource) =>
        Verify.FixAsync<MemoryOwnerAnalyzer, MemoryOwnerCodeFixProvider>(MemorySources.Wrap(source), MemorySources.Wrap(fixedSource), MemoryOwnerCodeFixProvider.UsingKey, MemorySources.ExceptionPaths);

    [Fact]
    public Task DisposedAfterAnAwaitThatCanThrow() => Reports("""
            public async Task<int> CopyAsync(Stream source, Stream target, CancellationToken cancellationToken)
            {
                var owner = {|#0:MemoryPool<byte>.Shared.Rent(81920)|};
                var read = await source.ReadAsync(owner.Memory, cancellationToken);
                await target.WriteAsync(owner.Memory.Slice(0, read), cancellationToken);
                owner.Dispose();
                return read;
            }
        """, Owner(0, "owner", Skipped("ReadAsync")));

    [Fact]
    public Task NeverDisposed() => Reports("""
            public int Checksum(Stream source)
            {
                var lease = {|#0:MemoryPool<byte>.Shared.Rent(4096)|};
                var read = source.Read(lease.Memory.Span);
                var sum = 0;
                foreach (var b in lease.Memory.Span.Slice(0, read))
                {
                    sum += b;
                }

                return sum;
            }
        """, Owner(0, "lease", Never));

    [Fact]
    public Task EarlyReturnSkipsTheDispose() => Reports("""
            public bool TryParseHeader(Stream source)
            {
                var owner = {|#0:MemoryPool<byte>.Shared.Rent(16)|};
                if (source.Read(owner.Memory.Span.Slice(0, 4)) < 4)
                {
                    return false;
                }

                Process(owner.Memory.Span.Slice(0, 4));
                owner.Dispose();
                return true;
            }
        """, Owner(0, "owner", NotEveryPath));

    [Fact]
    public Task ContinueInALoopSkipsTheDispose() => Reports("""
            public void Relay(IEnumerable<Stream> sources, Stream target)
            {
                foreach (var source in sources)
                {
                    var owner = {|#0:MemoryPool<byte>.Shared.Rent(1024)|};
                    var read = source.Read(owner.Memory.Span);
                    if (read == 0)
                    {
                        continue;
                    }

                    target.Write(owner.Memory.Span.Slice(0, read));
                    owner.Dispose();
                }
            }
        """, Owner(0, "owner", NotEveryPath));

    [Fact]
    public Task OwnerFromACustomPoolAssignedLater() => Reports("""
            private readonly MemoryPool<byte> _pool = MemoryPool<byte>.Shared;

            public void Frame(Socket socket, Message message)
            {
                IMemoryOwner<byte> frame;
                frame = {|#0:_pool.Rent(message.Body.Length + 4)|};
                message.Body.CopyTo(frame.Memory.Span.Slice(4));
                socket.Send(frame.Memory.Span.Slice(0, message.Body.Length + 4));
                frame.Dispose();
            }
        """, Owner(0, "frame", Skipped("Send")));

    [Fact]
    public Task DisposeOutsideTheFinallyOfATryCatch() => Reports("""
            public async Task ForwardAsync(Stream source, Stream target, CancellationToken cancellationToken)
            {
                var owner = {|#0:MemoryPool<byte>.Shared.Rent(8192)|};
                try
                {
                    var read = await source.ReadAsync(owner.Memory, cancellationToken);
                    await target.WriteAsync(owner.Memory.Slice(0, read), cancellationToken);
                }
                catch (IOException exception)
                {
                    Log(exception.Message);
                    return;
                }

                owner.Dispose();
            }
        """, Owner(0, "owner", NotEveryPath));

    [Fact]
    public Task LocalFunctionThatReplacesTheEnclosingFunctionsOwner() => Clean("""
            public int Measure(IEnumerable<int> sizes)
            {
                var owner = MemoryPool<byte>.Shared.Rent(64);
                try
                {
                    var total = 0;
                    foreach (var size in sizes)
                    {
                        total += Grow(size);
                    }

                    return total;
                }
                finally
                {
                    owner.Dispose();
                }

                int Grow(int size)
                {
                    if (size > owner.Memory.Length)
                    {
                        owner.Dispose();
                        owner = MemoryPool<byte>.Shared.Rent(size);
                    }

                    return owner.Memory.Length;
                }
            }
        """);

    [Fact]
    public Task UsingDeclarationIsDisposed() => Clean("""
            public async Task<int> CopyAsync(Stream source, Stream target, CancellationToken cancellationToken)
            {
                using var owner = MemoryPool<byte>.Shared.Rent(81920);
                var read = await source.ReadAsync(owner.Memory, cancellationToken);
                await target.WriteAsync(owner.Memory.Slice(0, read), cancellationToken);
                return read;
            }
        """);

    [Fact]
    public Task UsingStatementIsDisposed() => Clean("""
            public int Fill(Stream source)
            {
                using (var owner = MemoryPool<byte>.Shared.Rent(512))
                {
                    return source.Read(owner.Memory.Span);
                }
            }
        """);

    [Fact]
    public Task DisposedInAFinally() => Clean("""
            public async Task ForwardAsync(Stream source, Stream target, CancellationToken cancellationToken)
            {
                var owner = MemoryPool<byte>.Shared.Rent(8192);
                try
                {
                    var read = await source.ReadAsync(owner.Memory, cancellationToken);
                    await target.WriteAsync(owner.Memory.Slice(0, read), cancellationToken);
                }
                finally
                {
                    owner.Dispose();
                }
            }
        """);

    /// <summary>The owner goes out with the result: the caller disposes it.</summary>
    [Fact]
    public Task ReturnedOwnerIsTheCallersToDispose() => Clean("""
            public IMemoryOwner<byte> ReadFrame(Stream source, int length)
            {
                var owner = MemoryPool<byte>.Shared.Rent(length);
                source.ReadExactly(owner.Memory.Span.Slice(0, length));
                return owner;
            }
        """);

    /// <summary>Handed to a constructor that takes ownership (a pooled message disposes it).</summary>
    [Fact]
    public Task OwnerHandedToAnObjectThatKeepsIt() => Clean("""
            private readonly Queue<PooledFrame> _frames = new();

            public void Enqueue(ReadOnlySpan<byte> payload)
            {
                var owner = MemoryPool<byte>.Shared.Rent(payload.Length);
                payload.CopyTo(owner.Memory.Span);
                _frames.Enqueue(new PooledFrame(owner, payload.Length));
            }

            public sealed record PooledFrame(IMemoryOwner<byte> Owner, int Length);
        """);

    /// <summary>Captured by a continuation that disposes it when the send completes.</summary>
    [Fact]
    public Task OwnerCapturedByALambda() => Clean("""
            public Task SendAsync(Stream target, ReadOnlySpan<byte> payload)
            {
                var owner = MemoryPool<byte>.Shared.Rent(payload.Length);
                payload.CopyTo(owner.Memory.Span);
                return target.WriteAsync(owner.Memory.Slice(0, payload.Length)).AsTask().ContinueWith(_ => owner.Dispose());
            }
        """);

    /// <summary>An ArrayPool array is BND3003's; Memory&lt;T&gt; from elsewhere has no owner.</summary>
    [Fact]
    public Task ArrayPoolAndPlainMemoryAreNotOwners() => Clean("""
            public int Read(Stream source)
            {
                Memory<byte> memory = new byte[256];
                return source.Read(memory.Span);
            }
        """);

    [Fact]
    public Task FixDeclaresTheOwnerWithUsingAndDropsTheDispose() => Fix("""
            public async Task<int> CopyAsync(Stream source, Stream target, CancellationToken cancellationToken)
            {
                var owner = {|BND3005:MemoryPool<byte>.Shared.Rent(81920)|};
                var read = await source.ReadAsync(owner.Memory, cancellationToken);
                await target.WriteAsync(owner.Memory.Slice(0, read), cancellationToken);
                owner.Dispose();
                return read;
            }

            public int Checksum(Stream source)
            {
                var lease = {|BND3005:MemoryPool<byte>.Shared.Rent(4096)|};
                return source.Read(lease.Memory.Span);
            }
        """, """
            public async Task<int> CopyAsync(Stream source, Stream target, CancellationToken cancellationToken)
            {
                using var owner = MemoryPool<byte>.Shared.Rent(81920);
                var read = await source.ReadAsync(owner.Memory, cancellationToken);
                await target.WriteAsync(owner.Memory.Slice(0, read), cancellationToken);
                return read;
            }

            public int Checksum(Stream source)
            {
                using var lease = MemoryPool<byte>.Shared.Rent(4096);
                return source.Read(lease.Memory.Span);
            }
        """);

    [Fact]
    public Task FixRemovesEveryDisposeOfTheBlock() => Fix("""
            public bool TryParseHeader(Stream source)
            {
                var owner = {|BND3005:MemoryPool<byte>.Shared.Rent(16)|};
                if (source.Read(owner.Memory.Span.Slice(0, 4)) < 4)
                {
                    return false;
                }

                Process(owner.Memory.Span.Slice(0, 4));
                owner.Dispose();
                return true;
            }
        """, """
            public bool TryParseHeader(Stream source)
            {
                using var owner = MemoryPool<byte>.Shared.Rent(16);
                if (source.Read(owner.Memory.Span.Slice(0, 4)) < 4)
                {
                    return false;
                }

                Process(owner.Memory.Span.Slice(0, 4));
                return true;
            }
        """);

    /// <summary>A declaration of several owners cannot take `using` for one of them.</summary>
    [Fact]
    public Task NoFixForADeclarationOfSeveralOwners() => Verify.NoFixAsync<MemoryOwnerAnalyzer, MemoryOwnerCodeFixProvider>(MemorySources.Wrap("""
            public int Compare(Stream left, Stream right)
            {
                IMemoryOwner<byte> a = {|BND3005:MemoryPool<byte>.Shared.Rent(64)|}, b = {|BND3005:MemoryPool<byte>.Shared.Rent(64)|};
                return left.Read(a.Memory.Span) - right.Read(b.Memory.Span);
            }
        """), editorConfig: MemorySources.ExceptionPaths);
}
