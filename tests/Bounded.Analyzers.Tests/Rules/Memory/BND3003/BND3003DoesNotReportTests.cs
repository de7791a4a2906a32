using System.Threading.Tasks;
using Bounded.Analyzers.AcquireRelease;
using Bounded.Analyzers.Concurrency;
using Bounded.Analyzers.Memory;
using Xunit;
using static Bounded.Analyzers.Tests.Rules.Memory.BND3003Verify;

namespace Bounded.Analyzers.Tests.Rules.Memory;

/// <summary>BND3003: look-alikes and options that must stay quiet.</summary>
public class BND3003DoesNotReportTests
{
    [Fact]
    public Task ReturnInFinally() => Check("""
            public void Send(Socket socket, string text)
            {
                var length = Encoding.UTF8.GetByteCount(text);
                var buffer = ArrayPool<byte>.Shared.Rent(length);
                try
                {
                    var written = Encoding.UTF8.GetBytes(text, buffer);
                    socket.Send(buffer, 0, written, SocketFlags.None);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        """);

    [Fact]
    public Task TimeValuesAndADelayThatEndsOnlyByTimeCannotSkipTheReturn() => Check("""
            public async Task<byte> SampleAsync(byte value)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(16);
                var clock = System.Diagnostics.Stopwatch.StartNew();
                buffer[0] = value;
                await Task.Delay(TimeSpan.FromMilliseconds(5));
                var late = DateTimeOffset.UtcNow.AddSeconds(1) < DateTimeOffset.UtcNow + clock.Elapsed;
                var first = late ? (byte)0 : buffer[0];
                ArrayPool<byte>.Shared.Return(buffer);
                return first;
            }
        """);

    [Fact]
    public Task LocalFunctionThatGrowsTheEnclosingFunctionsArray() => Check("""
            public int LongestName(IEnumerable<string> names)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(64);
                var longest = 0;
                try
                {
                    foreach (var name in names)
                    {
                        longest = Math.Max(longest, Encode(name));
                    }
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }

                return longest;

                int Encode(string name)
                {
                    var needed = Encoding.UTF8.GetMaxByteCount(name.Length);
                    if (needed > buffer.Length)
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = ArrayPool<byte>.Shared.Rent(needed);
                    }

                    return Encoding.UTF8.GetBytes(name, 0, name.Length, buffer, 0);
                }
            }
        """);

    [Fact]
    public Task ReturnInFinallyAfterDisposingTheStream() => Check("""
            public async Task CopyAsync(Stream source, string path, CancellationToken cancellationToken)
            {
                var destination = File.Create(path);
                var buffer = ArrayPool<byte>.Shared.Rent(81920);
                try
                {
                    int read;
                    while ((read = await source.ReadAsync(buffer, cancellationToken)) > 0)
                    {
                        await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                    }
                }
                finally
                {
                    await destination.DisposeAsync();
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        """);

    // StackExchange.Redis's Format.GetString shape: only span and memory primitives between Rent and Return.
    [Fact]
    public Task OnlySpanAndMemoryPrimitivesBetweenRentAndReturn() => Check("""
            public static int Checksum(ReadOnlySequence<byte> payload, ReadOnlyMemory<byte> header)
            {
                var length = checked((int)payload.Length) + header.Length;
                var arr = ArrayPool<byte>.Shared.Rent(length);
                var span = new Span<byte>(arr, 0, length);
                header.CopyTo(arr);
                payload.CopyTo(span.Slice(header.Length));
                var sum = System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(span) ^ MemoryExtensions.IndexOf(span, (byte)0);
                GC.KeepAlive(arr);
                ArrayPool<byte>.Shared.Return(arr);
                return sum;
            }
        """);

    // Duplicati's disk image reader: the stream it returns owns the buffer; the pool gets it back only on failure.
    [Fact]
    public Task OwnershipHandedOutInsideAReturnedObject() => Check("""
            private sealed class PooledStream : MemoryStream
            {
                public PooledStream(byte[] buffer, int length) : base(buffer, 0, length) { }
            }

            public async Task<Stream> ReadAsync(Stream source, int length, CancellationToken cancellationToken)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(length);
                try
                {
                    var read = await source.ReadAsync(buffer.AsMemory(0, length), cancellationToken);
                    return new PooledStream(buffer, read);
                }
                catch
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    throw;
                }
            }
        """);

    [Fact]
    public Task RentInsideTryWithNullGuardedFinally() => Check("""
            public async Task CopyAsync(Stream source, Stream destination, CancellationToken cancellationToken)
            {
                byte[]? buffer = null;
                try
                {
                    buffer = ArrayPool<byte>.Shared.Rent(81920);
                    int read;
                    while ((read = await source.ReadAsync(buffer.AsMemory(0, 81920), cancellationToken)) > 0)
                    {
                        await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                    }
                }
                finally
                {
                    if (buffer != null)
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                    }
                }
            }
        """);

    [Fact]
    public Task StackallocOrRentIdiom() => Check("""
            public void Format(int size)
            {
                byte[]? rented = null;
                Span<byte> span = size <= 256 ? stackalloc byte[256] : (rented = ArrayPool<byte>.Shared.Rent(size));
                try
                {
                    Process(span.Slice(0, size));
                }
                finally
                {
                    if (rented is not null)
                    {
                        ArrayPool<byte>.Shared.Return(rented);
                    }
                }
            }
        """);

    [Fact]
    public Task StoredInAFieldIsNotAnalysed() => Check("""
            public void Start(int size)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(size);
                _buffer = buffer;
            }
        """);

    [Fact]
    public Task RentedStraightIntoAFieldIsNotAnalysed() => Check("""
            public void Start(int size)
            {
                _buffer = ArrayPool<byte>.Shared.Rent(size);
                Log("started");
            }
        """);

    [Fact]
    public Task ReturnedToTheCallerIsNotAnalysed() => Check("""
            public byte[] RentFor(int size)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(size);
                Log("rented");
                return buffer;
            }
        """);

    [Fact]
    public Task PassedByRefIsNotAnalysed() => Check("""
            public void Grow(int size)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(size);
                Resize(ref buffer, size * 2);
            }

            private static void Resize(ref byte[] buffer, int size) { }
        """);

    [Fact]
    public Task CapturedByALambdaIsNotAnalysed() => Check("""
            public Task ProcessLaterAsync(int size)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(size);
                return Task.Run(() =>
                {
                    Process(buffer.AsSpan(0, size));
                    ArrayPool<byte>.Shared.Return(buffer);
                });
            }
        """);

    [Fact]
    public Task HandedToACollectionIsNotAnalysed() => Check("""
            public void Enqueue(Stream stream, int size)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(size);
                stream.ReadExactly(buffer, 0, size);
                _pending.Enqueue(buffer);
            }
        """);

    [Fact]
    public Task HandedToAMethodThatMayKeepItIsNotAnalysed() => Check("""
            public void Hand(int size)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(size);
                Keep(buffer);
            }
        """);

    [Fact]
    public Task NothingThatCanThrowBeforeTheReturn() => Check("""
            public int Touch(int size)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(size);
                buffer[0] = 42;
                var first = buffer[0];
                ArrayPool<byte>.Shared.Return(buffer);
                return first;
            }
        """);

    [Fact]
    public Task CustomPoolInstanceIsNotAnalysed() => Check("""
            private readonly ArrayPool<byte> _pool = ArrayPool<byte>.Create();

            public void Write(Stream stream, int size)
            {
                var buffer = _pool.Rent(size);
                stream.Write(buffer, 0, size);
            }
        """);

    [Fact]
    public Task UsingBlockInsideTryFinally() => Check("""
            public void WriteText(string path, string text)
            {
                var buffer = ArrayPool<char>.Shared.Rent(text.Length);
                try
                {
                    text.CopyTo(0, buffer, 0, text.Length);
                    using (var writer = new StreamWriter(path))
                    {
                        writer.Write(buffer, 0, text.Length);
                    }
                }
                finally
                {
                    ArrayPool<char>.Shared.Return(buffer);
                }
            }
        """);

    [Fact]
    public Task EarlyReturnAndContinueInsideTryFinally() => Check("""
            public int Handle(IEnumerable<Message> messages)
            {
                var handled = 0;
                foreach (var message in messages)
                {
                    var buffer = ArrayPool<byte>.Shared.Rent(message.Body.Length);
                    try
                    {
                        if (message.Body.Length == 0)
                        {
                            continue;
                        }

                        if (message.Id == "stop")
                        {
                            return handled;
                        }

                        message.Body.CopyTo(buffer, 0);
                        Process(buffer.AsSpan(0, message.Body.Length));
                        handled++;
                    }
                    finally
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                    }
                }

                return handled;
            }
        """);

    [Fact]
    public Task CatchAllThatReturnsAndRethrowsThenReturnAfter() => Check("""
            public int First(Stream stream, int size)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(size);
                try
                {
                    stream.ReadExactly(buffer, 0, size);
                }
                catch
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    throw;
                }

                var first = buffer[0];
                ArrayPool<byte>.Shared.Return(buffer);
                return first;
            }
        """);

    [Fact]
    public Task SwitchAndGotoInsideTryFinally() => Check("""
            public string Describe(int kind, Stream stream)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(64);
                try
                {
                retry:
                    switch (kind)
                    {
                        case 0:
                            return "empty";
                        case 1:
                            kind = 2;
                            goto retry;
                        default:
                            stream.ReadExactly(buffer, 0, 64);
                            break;
                    }

                    return "read";
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        """);

    [Fact]
    public Task RentPassedStraightToACallIsNotTracked() => Check("""
            public void Fill(int size)
            {
                Keep(ArrayPool<byte>.Shared.Rent(size));
            }
        """);

    [Fact]
    public Task IteratorIsNotAnalysed() => Check("""
            public IEnumerable<int> Chunks(Stream stream)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(1024);
                int read;
                while ((read = stream.Read(buffer, 0, 1024)) > 0)
                {
                    yield return read;
                }

                ArrayPool<byte>.Shared.Return(buffer);
            }
        """);

    [Fact]
    public Task LocalFunctionWithTryFinally() => Check("""
            public void Run(Stream stream)
            {
                Write(32);

                void Write(int size)
                {
                    var buffer = ArrayPool<byte>.Shared.Rent(size);
                    try
                    {
                        stream.Write(buffer, 0, size);
                    }
                    finally
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                    }
                }
            }
        """);

    [Fact]
    public Task AwaitWithConfigureAwaitInsideTryFinally() => Check("""
            public async ValueTask<int> ReadAsync(Stream stream, CancellationToken cancellationToken)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(4096);
                try
                {
                    return await stream.ReadAsync(buffer.AsMemory(0, 4096), cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
                }
            }
        """);

    [Fact]
    public Task ReturnedToAnotherPoolIsNotAnalysed() => Check("""
            public void Swap(Stream stream, int size)
            {
                var pool = ArrayPool<byte>.Create();
                var buffer = ArrayPool<byte>.Shared.Rent(size);
                stream.Write(buffer, 0, size);
                pool.Return(buffer);
            }
        """);

    [Fact]
    public Task ConditionalRentInTheLoopBodyWithFinally() => Check("""
            public void Batch(IReadOnlyList<Message> messages)
            {
                for (var i = 0; i < messages.Count; i++)
                {
                    byte[]? buffer = null;
                    try
                    {
                        if (messages[i].Body.Length > 0)
                        {
                            buffer = ArrayPool<byte>.Shared.Rent(messages[i].Body.Length);
                            messages[i].Body.CopyTo(buffer, 0);
                        }
                    }
                    finally
                    {
                        if (buffer != null)
                        {
                            ArrayPool<byte>.Shared.Return(buffer);
                        }
                    }
                }
            }
        """);

    [Fact]
    public Task BackgroundLoopWithTryFinallyPerMessage() => Check("""
            public async Task ExecuteAsync(Stream input, CancellationToken stoppingToken)
            {
                var header = new byte[4];
                while (!stoppingToken.IsCancellationRequested)
                {
                    await input.ReadExactlyAsync(header, stoppingToken);
                    var length = BitConverter.ToInt32(header, 0);
                    if (length <= 0)
                    {
                        continue;
                    }

                    var body = ArrayPool<byte>.Shared.Rent(length);
                    try
                    {
                        await input.ReadExactlyAsync(body.AsMemory(0, length), stoppingToken);
                        await SaveAsync(Convert.ToBase64String(body, 0, length), stoppingToken);
                    }
                    finally
                    {
                        ArrayPool<byte>.Shared.Return(body);
                    }
                }
            }
        """);

    [Fact]
    public Task CodeWithErrorsIsNotAnalysed() => Check("""
            public void Typing(int size)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(size);
                ArrayPool<byte>.Shared.{|CS7036:Return|}();
            }
        """);

    // A ref struct other than a span can keep the array in a field: returned inside it, the caller owns the array.
    [Fact]
    public Task HandedToARefStructThatReturnsIt() => Check("""
            public readonly ref struct Prepared
            {
                private readonly byte[] _rented;

                public Prepared(byte[] rented, int length) { _rented = rented; Length = length; }

                public int Length { get; }

                public void Dispose() => ArrayPool<byte>.Shared.Return(_rented);
            }

            public static Prepared Prepare(ReadOnlySpan<byte> data)
            {
                var copy = ArrayPool<byte>.Shared.Rent(data.Length);
                data.CopyTo(copy);
                return new(copy, data.Length);
            }
        """);
}
