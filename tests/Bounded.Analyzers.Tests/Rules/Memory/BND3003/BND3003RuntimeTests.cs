using System;
using System.IO;
using System.Reflection;
using System.Threading.Tasks;
using Bounded.Analyzers.Memory;
using Bounded.CodeFixes.Memory;
using Xunit;

namespace Bounded.Analyzers.Tests.Rules.Memory;

/// <summary>
/// BND3003's fix run side by side with the original: the early-return shape (rent, read, return early when there is no
/// data, compute, Return, return the result) keeps its results and exceptions, and afterwards every rented array goes
/// back to the pool on every path, where the original leaked one on the early return and on a throw. Whether the array
/// went back is seen through the shared pool itself: on the same thread, the next Rent of that size hands back the
/// array the last Return stored.
/// </summary>
public class BND3003RuntimeTests
{
    private const string Source = """
        using System;
        using System.Buffers;
        using System.IO;
        using System.Text;
        using System.Threading;

        public static class Subject
        {
            public static string? ReadHeader(Stream stream)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(256);
                var n = stream.Read(buffer, 0, 256);
                if (n == 0)
                {
                    return null;
                }

                string header = Encoding.ASCII.GetString(buffer, 0, n);
                ArrayPool<byte>.Shared.Return(buffer);
                return header;
            }
        }

        /// <summary>Remembers the array it reads into, so the test can tell whether that array went back to the pool.</summary>
        public sealed class RecordingStream : MemoryStream
        {
            private readonly bool _fail;

            public RecordingStream(byte[] data, bool fail) : base(data) => _fail = fail;

            public byte[]? Seen { get; private set; }

            public override int Read(byte[] buffer, int offset, int count)
            {
                Seen = buffer;
                if (_fail)
                {
                    throw new IOException("disk gone");
                }

                return base.Read(buffer, offset, count);
            }
        }
        """;

    public static TheoryData<string> Inputs => new() { "data", "empty", "throws" };

    [Theory]
    [MemberData(nameof(Inputs))]
    public async Task SameResultsAndEveryPathReturnsTheArray(string input)
    {
        var fixedSource = await AppliedFix.ApplyAsync<ArrayPoolMisuseAnalyzer, ArrayPoolReturnCodeFixProvider>(Source, RuleIds.RentedArrayNotReturned, ArrayPoolReturnCodeFixProvider.TryFinallyKey);
        Assert.Contains("finally", fixedSource);

        var before = Run(Source, input);
        var after = Run(fixedSource, input);

        Assert.Equal(before.Result, after.Result);
        Assert.Equal(before.Error?.GetType(), after.Error?.GetType());
        Assert.Equal(before.Error?.Message, after.Error?.Message);
        Assert.True(after.Returned, "the fixed code kept the array");
        Assert.Equal(input == "data", before.Returned);
    }

    private static (string? Result, Exception? Error, bool Returned) Run(string source, string input)
    {
        using var compiled = InMemoryAssembly.Compile(source);
        var subject = compiled.GetType("Subject");
        var streamType = compiled.GetType("RecordingStream");
        var stream = (Stream)Activator.CreateInstance(streamType, input == "data" ? "HELLO"u8.ToArray() : Array.Empty<byte>(), input == "throws")!;

        string? result = null;
        Exception? error = null;
        try
        {
            result = (string?)subject.GetMethod("ReadHeader")!.Invoke(null, new object[] { stream });
        }
        catch (TargetInvocationException exception)
        {
            error = exception.InnerException;
        }

        var rented = (byte[])streamType.GetProperty("Seen")!.GetValue(stream)!;
        var next = System.Buffers.ArrayPool<byte>.Shared.Rent(256);
        System.Buffers.ArrayPool<byte>.Shared.Return(next);
        return (result, error, ReferenceEquals(rented, next));
    }
}
