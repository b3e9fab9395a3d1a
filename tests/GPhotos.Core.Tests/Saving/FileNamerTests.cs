#nullable enable
using System.Globalization;
using System.Text;
using GPhotos.Saving;
using Xunit;

namespace GPhotos.Core.Tests.Saving;

public class FileNamerTests
{
    private const string Id = "AF1QipNq8Zp3-xyz_0001";

    [Theory]
    [InlineData("..")]
    [InlineData(".")]
    [InlineData("...")]
    [InlineData("/")]
    [InlineData("\\")]
    [InlineData(":")]
    [InlineData("../../etc/passwd")]
    [InlineData("..\\..\\Windows\\win.ini")]
    [InlineData("C:\\evil.jpg")]
    [InlineData("/abs/evil.jpg")]
    [InlineData("a:b*c?d\"e<f>g|h.jpg")]
    [InlineData("photo.jpg.")]
    [InlineData("photo.jpg ")]
    [InlineData(" photo.jpg")]
    [InlineData("photo. . .")]
    [InlineData("tab\there.jpg")]
    [InlineData("nul\0byte.jpg")]
    [InlineData("bell\u0007\u007f\u0085.jpg")]
    [InlineData("file:stream.jpg")]
    [InlineData("CON")]
    [InlineData("con.jpg")]
    [InlineData("NUL .txt")]
    [InlineData("AUX.tar.gz")]
    [InlineData("COM1.JPG")]
    [InlineData("lpt9.png")]
    [InlineData("COM\u00B9.jpg")]
    [InlineData("CONIN$")]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    public void HostileNamesBecomeSafe(string? hostile)
    {
        string safe = FileNamer.MakeSafeName(hostile, Id, "image/jpeg");
        Assert.True(FileNamer.IsSafeName(safe), $"'{safe}' from '{hostile}' is not safe");
        Assert.DoesNotContain('/', safe);
        Assert.DoesNotContain('\\', safe);
        Assert.NotEqual("..", safe);
        Assert.False(FileNamer.IsReservedDeviceName(safe));
    }

    [Theory]
    [InlineData("CON", true)]
    [InlineData("con.jpg", true)]
    [InlineData("NUL .txt", true)]
    [InlineData("COM1.tar.gz", true)]
    [InlineData("CONOUT$", true)]
    [InlineData("conout$  .log", true)]
    [InlineData("LPT\u00B9.jpg", true)]
    [InlineData("CONSOLE.jpg", false)]
    [InlineData("CONOUT$X.jpg", false)]
    [InlineData(" CON.jpg", false)]
    [InlineData("IMG_0001.JPG", false)]
    [InlineData(".CON", false)]
    [InlineData("", false)]
    public void ReservedDeviceNamesAreTheWindowsDevicesBeforeTheFirstDot(string name, bool reserved) =>
        Assert.Equal(reserved, FileNamer.IsReservedDeviceName(name));

    [Theory]
    [InlineData("IMG_0001.JPG", "IMG_0001.JPG")]
    [InlineData("a:b*c?d\"e<f>g|h.jpg", "a_b_c_d_e_f_g_h.jpg")]
    [InlineData("../../etc/passwd", Id + "._.._etc_passwd")]
    [InlineData("photo.jpg.", "photo.jpg")]
    [InlineData("  photo.jpg  ", "photo.jpg")]
    [InlineData("CON", "CON_.jpg")]
    [InlineData("con.jpg", "con_.jpg")]
    [InlineData("COM1.tar.gz", "COM1_.tar.gz")]
    [InlineData("CONSOLE.jpg", "CONSOLE.jpg")]
    [InlineData("COM10.jpg", "COM10.jpg")]
    [InlineData("Ünïcödé 写真 📷.jpg", "Ünïcödé 写真 📷.jpg")]
    [InlineData("no extension", "no extension.jpg")]
    [InlineData("Screenshot 10.30.45", "Screenshot 10.30.45.jpg")]
    [InlineData("PXL_20240101_123456.MP", "PXL_20240101_123456.MP")]
    public void ExpectedNames(string input, string expected)
    {
        Assert.Equal(expected, FileNamer.MakeSafeName(input, Id, "image/jpeg"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("..")]
    [InlineData(". .")]
    public void EmptyNamesFallBackToTheIdWithAnExtensionFromTheMimeType(string? name)
    {
        Assert.Equal(Id + ".mp4", FileNamer.MakeSafeName(name, Id, "video/mp4"));
        Assert.Equal(Id, FileNamer.MakeSafeName(name, Id, null));
    }

    [Fact]
    public void NfdBecomesNfc()
    {
        string nfd = "Cafe\u0301 re\u0301sume\u0301.jpg";
        string safe = FileNamer.MakeSafeName(nfd, Id);
        Assert.Equal("Caf\u00e9 r\u00e9sum\u00e9.jpg", safe);
        Assert.True(safe.IsNormalized(NormalizationForm.FormC));
    }

    [Fact]
    public void LoneSurrogatesAreReplaced()
    {
        string safe = FileNamer.MakeSafeName("bad\uD800name\uDC00.jpg", Id);
        Assert.Equal("bad_name_.jpg", safe);
    }

    [Theory]
    [InlineData("a", 300)]          // 1 byte per char
    [InlineData("é", 300)]          // 2 bytes, 1 char
    [InlineData("写", 200)]         // 3 bytes, 1 char
    [InlineData("📷", 200)]         // 4 bytes, 2 chars (surrogate pair)
    [InlineData("e\u0301", 200)]    // combining sequence that NFC does not compose... é does; use it anyway
    [InlineData("\u0915\u094D\u0937", 120)] // Devanagari conjunct: a text element of 3 chars
    public void LongNamesAreCutInTheStemAndKeepTheirExtension(string unit, int repeat)
    {
        string name = string.Concat(Enumerable.Repeat(unit, repeat)) + ".jpeg";
        string safe = FileNamer.MakeSafeName(name, Id);
        Assert.True(safe.Length <= FileNamer.MaxNameLength);
        Assert.True(Encoding.UTF8.GetByteCount(safe) <= FileNamer.MaxNameLength);
        Assert.EndsWith(".jpeg", safe);
        Assert.True(FileNamer.IsSafeName(safe));
        AssertWholeTextElements(safe, name);
        // and the sidecar name still fits 255
        Assert.True(Encoding.UTF8.GetByteCount(safe + ".json") <= 255);
    }

    [Fact]
    public void LongNamesWithSuffixStayWithinLimits()
    {
        string name = FileNamer.MakeSafeName(new string('x', 400) + ".JPG", Id);
        string suffixed = FileNamer.AddSuffix(name, Id);
        Assert.True(Encoding.UTF8.GetByteCount(suffixed) <= FileNamer.MaxNameLength);
        Assert.EndsWith("~" + FileNamer.StableSuffix(Id) + ".JPG", suffixed);
    }

    [Fact]
    public void SuffixIsStableAndDiffersById()
    {
        // Pinned: the suffix must never change between versions, or re-runs would save everything twice.
        Assert.Equal("IMG_0001~" + FileNamer.StableSuffix("id-1") + ".JPG", FileNamer.AddSuffix("IMG_0001.JPG", "id-1"));
        Assert.Equal(FileNamer.StableSuffix("id-1"), FileNamer.StableSuffix("id-1"));
        Assert.Equal(Sha("id-1"), FileNamer.StableSuffix("id-1")); // SHA-256 of the UTF-8 id, first 8 hex digits
        Assert.Equal("eb66c623", FileNamer.StableSuffix("id-1"));
        Assert.NotEqual(FileNamer.StableSuffix("id-1"), FileNamer.StableSuffix("id-2"));
        Assert.Equal(16, FileNamer.StableSuffix("id-1", 16).Length);
        Assert.StartsWith(FileNamer.StableSuffix("id-1"), FileNamer.StableSuffix("id-1", 16));
    }

    [Fact]
    public void SuffixOnANameWithoutExtension()
    {
        Assert.Equal("README~" + FileNamer.StableSuffix(Id), FileNamer.AddSuffix("README", Id));
    }

    [Theory]
    [InlineData(".jpg", Id + ".jpg")]
    [InlineData("..jpg", Id + ".jpg")]
    [InlineData(".hidden", Id + ".hidden")]
    [InlineData("  .png", Id + ".png")]
    public void NamesWithoutAStemGetTheIdSoTheyAreNotHidden(string input, string expected)
    {
        Assert.Equal(expected, FileNamer.MakeSafeName(input, Id, "image/jpeg"));
    }

    [Fact]
    public void RandomHostileNamesAreAlwaysSafe()
    {
        var random = new Random(12345);
        char[] alphabet = "aZ09 ._-~/\\:*?\"<>|\t\0\u0001\u007f\u0085éЖ写\u0301\uD83D\uDCF7\uD800\uDC00CONUL".ToCharArray();
        for (int i = 0; i < 5000; i++)
        {
            int length = random.Next(0, 400);
            var chars = new char[length];
            for (int j = 0; j < length; j++) chars[j] = alphabet[random.Next(alphabet.Length)];
            string input = new string(chars);
            string safe = FileNamer.MakeSafeName(input, Id, "image/png");
            Assert.True(FileNamer.IsSafeName(safe), $"unsafe result '{safe}'");
            Assert.True(FileNamer.IsSafeName(FileNamer.AddSuffix(safe, Id)));
            Assert.True(FileNamer.IsSafeName(FileNamer.ChangeExtension(safe, ".MP4")));
            Assert.True(Encoding.UTF8.GetByteCount(safe + ".json") <= 255 && (safe + ".json").Length <= 255);
            Assert.Equal(safe, FileNamer.MakeSafeName(safe, Id, "image/png")); // idempotent
        }
    }

    [Theory]
    [InlineData("..", "_")]
    [InlineData("2024", "2024")]
    [InlineData("a/b", "a_b")]
    [InlineData("PRN", "PRN_")]
    public void Segments(string input, string expected)
    {
        Assert.Equal(expected, FileNamer.MakeSafeSegment(input));
    }

    private static string Sha(string id)
    {
        byte[] hash = System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(id));
        return Convert.ToHexString(hash).ToLowerInvariant().Substring(0, 8);
    }

    private static void AssertWholeTextElements(string safe, string original)
    {
        for (int i = 0; i < safe.Length; i++)
        {
            if (char.IsHighSurrogate(safe[i])) { Assert.True(i + 1 < safe.Length && char.IsLowSurrogate(safe[i + 1])); i++; }
            else Assert.False(char.IsLowSurrogate(safe[i]));
        }
        // the kept stem ends on a text-element boundary of the (NFC) original
        string nfc = original.Normalize(NormalizationForm.FormC);
        string stem = safe.Substring(0, safe.LastIndexOf('.'));
        Assert.StartsWith(stem, nfc);
        Assert.Contains(stem.Length, StringInfo.ParseCombiningCharacters(nfc));
    }
}
