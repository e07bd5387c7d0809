#!/usr/bin/perl
# SPDX-License-Identifier: MIT
#
# The public API as the headers declare it, read from their kernel-doc
# comments ("/** name() - summary", "@param: ...", "Return: ..."), so the
# manual cannot drift from the headers.
#
# usage: scripts/apidoc.pl list HEADER...
#            one line per name: KIND NAME GROUP, KIND one of
#              func    a function the library exports, documented
#              inline  a static inline function of the API, documented
#              abi     a symbol the library exports only for the inline
#                      functions (name with "__", or a variable): not API
#              undoc   an exported function without a kernel-doc comment
#        scripts/apidoc.pl man OUTDIR VERSION HEADER...
#            OUTDIR/man3/ud_GROUP.3 for each header (GROUP: its name, e.g.
#            ud_mem for uiodma/mem.h), libuiodma.3 for uiodma.h, and a
#            one-line ".so man3/ud_GROUP.3" page for every function and
#            ABI symbol, so that "man ud_zone_reserve" works.
#
# Perl because it is on every Debian machine (perl-base is essential).
use strict;
use warnings;

my $mode = shift @ARGV // '';
my ($outdir, $version);
if ($mode eq 'man') {
	($outdir, $version) = splice(@ARGV, 0, 2);
} elsif ($mode ne 'list') {
	die "usage: apidoc.pl list HEADER... | man OUTDIR VERSION HEADER...\n";
}
die "apidoc.pl: no headers\n" unless @ARGV;

# ---- parsing --------------------------------------------------------------

# group_of(path) - ud_mem for include/uiodma/mem.h, libuiodma for uiodma.h.
sub group_of {
	my ($p) = @_;
	return 'libuiodma' if $p =~ m{(^|/)uiodma\.h$};
	$p =~ m{([^/]+)\.h$} or die "apidoc.pl: $p: not a header\n";
	return "ud_$1";
}

# Comment text without the leading " * " of each line.
sub comment_text {
	my ($c) = @_;
	$c =~ s{^/\*\*?}{};
	$c =~ s{\*/$}{};
	my @l = map { my $x = $_; $x =~ s/^\s*\* ?//; $x =~ s/\s+$//; $x }
		split /\n/, $c;
	shift @l while @l && $l[0] eq '';
	pop @l while @l && $l[-1] eq '';
	s{\*\\/}{*/}g for @l;	# "*\/" written to keep a comment open
	return @l;
}

# parse_header(path) - hash: intro (lines), items (list of hashes:
# kind func|inline|abi|struct|enum|macro|var, name, decl, doc lines).
sub parse_header {
	my ($path) = @_;
	open(my $fh, '<', $path) or die "apidoc.pl: $path: $!\n";
	local $/;
	my $src = <$fh>;
	close $fh;
	my %h = (path => $path, group => group_of($path), items => [],
		 intro => []);
	my ($doc, $plain, $seen_decl) = (undef, undef, 0);
	my $i = 0;
	my $n = length $src;
	while ($i < $n) {
		my $rest = substr($src, $i);
		if ($rest =~ /^\s+/) {
			$i += length $&;
			next;
		}
		if ($rest =~ m{^/\*.*?\*/}s) {
			my $c = $&;
			$i += length $c;
			if ($c =~ m{^/\*\*}) {
				$doc = [comment_text($c)];
				$plain = undef;
			} elsif ($c =~ /SPDX-License-Identifier/) {
			} elsif (!$seen_decl && !@{$h{intro}}) {
				$h{intro} = [comment_text($c)];
			} else {
				$plain = [comment_text($c)];
				$doc = undef;
			}
			next;
		}
		if ($rest =~ m{^//[^\n]*}) {
			$i += length $&;
			next;
		}
		if ($rest =~ /^#/) {
			# a directive, with its continuation lines
			$rest =~ /^#(?:[^\n]*\\\n)*[^\n]*/;
			my $d = $&;
			# a trailing comment that goes on over the next lines
			if ($d =~ m{/\*(?:(?!\*/).)*$}s) {
				my $e = index($src, '*/', $i + length $d);
				$d = substr($src, $i, $e + 2 - $i);
			}
			$i += length $d;
			if ($d =~ /^#\s*define\s+(UD_\w+|UIODMA_\w+)/ &&
			    $1 !~ /^UD__/ && $1 !~ /^UIODMA_(\w+_)?H$/) {
				push @{$h{items}}, { kind => 'macro', name => $1,
					decl => $d, doc => $doc };
			}
			$doc = undef;
			next;
		}
		if ($rest =~ /^extern\s+"C"\s*\{/ || $rest =~ /^\}/) {
			$i += length $&;
			next;
		}
		# A declaration: up to ';' at brace depth 0, or a function body.
		my ($depth, $j, $body) = (0, 0, undef);
		for ($j = 0; $j < length $rest; $j++) {
			my $ch = substr($rest, $j, 1);
			if (substr($rest, $j, 2) eq '/*') {
				my $e = index($rest, '*/', $j + 2);
				$j = $e + 1;
				next;
			}
			if ($ch eq '{') {
				if ($depth == 0 && substr($rest, 0, $j) =~ /\)\s*$/) {
					$body = $j;
					last;
				}
				$depth++;
			} elsif ($ch eq '}') {
				$depth--;
			} elsif ($ch eq ';' && $depth == 0) {
				last;
			}
		}
		my $decl;
		if (defined $body) {
			# skip the body: to the brace that closes it
			$decl = substr($rest, 0, $body);
			my $d = 0;
			for ($j = $body; $j < length $rest; $j++) {
				my $ch = substr($rest, $j, 1);
				$d++ if $ch eq '{';
				$d-- if $ch eq '}';
				last if $ch eq '}' && $d == 0;
			}
		} else {
			$decl = substr($rest, 0, $j + 1);
		}
		$i += $j + 1;
		$seen_decl = 1;
		$decl =~ s/\s+$//;
		my $flat = $decl;
		$flat =~ s{/\*.*?\*/}{}gs;
		$flat =~ s/\s+/ /g;
		# GCC attributes say nothing the page needs; their parentheses
		# would hide the name (a static helper marked cold, noinline)
		$flat =~ s/__attribute__\s*\(\(.*?\)\)\s*//g;
		my %it = (decl => $decl, doc => $doc, plain => $plain);
		if ($flat =~ /^(?:static\b.*?|[^(]*?)\b(ud_\w+)\s*\(/ &&
		    $flat !~ /^(struct|enum|union)\s+\w+\s*\{/) {
			my $name = $1;
			# static, inline or not: the header's own, never exported
			@it{qw(name kind)} = ($name, $flat =~ /^static\b/ ?
						  'inline' : 'func');
			$it{proto} = defined $body ? "$decl;" : $decl;
		} elsif ($flat =~ /^(struct|enum|union)\s+(\w+)\s*\{/) {
			@it{qw(kind name)} = ($1, $2);
		} elsif ($flat =~ /^enum\s*\{/) {
			@it{qw(kind name)} = ('enum', '');
		} elsif ($flat =~ /^(struct|enum|union)\s+\w+\s*;$/) {
			next;	# a forward declaration
		} elsif ($flat =~ /^extern\b.*?\b(ud_\w+)\s*[\[;]/) {
			@it{qw(kind name)} = ('var', $1);
		} else {
			die "apidoc.pl: $path: cannot read declaration: $flat\n";
		}
		# An exported name that is only there for the inline functions.
		if (($it{kind} eq 'func' && $it{name} =~ /__/) ||
		    $it{kind} eq 'var') {
			$it{abi} = 1;
		}
		# "/** a() / b() - ..." documents the declarations of a and b
		if ($it{name} && $it{doc}) {
			my ($head) = @{$it{doc}};
			$h{shared} = { map { $_ => $it{doc} }
				       $head =~ /\b(ud_\w+)\(\)/g };
			$it{doc_names} = [$head =~ /\b(ud_\w+)\(\)/g]
				if $head =~ m{\(\)\s*/};
		} elsif ($it{name} && !$it{doc} && $h{shared} &&
			 $h{shared}{$it{name}}) {
			$it{doc} = $h{shared}{$it{name}};
			$it{doc_shared} = 1;
		}
		# a plain comment above a type and the variable after it
		$h{last_plain} = $plain if $plain;
		$it{plain} //= $h{last_plain} if $it{abi};
		$doc = $plain = undef;
		push @{$h{items}}, \%it;
	}
	return \%h;
}

my @hdrs = map { parse_header($_) } @ARGV;

# ---- list -------------------------------------------------------------------

if ($mode eq 'list') {
	for my $h (@hdrs) {
		for my $it (@{$h->{items}}) {
			my $k = $it->{kind};
			next unless $k eq 'func' || $k eq 'inline' || $k eq 'var';
			next if $k eq 'inline' && $it->{name} =~ /__/;
			my $kind = $it->{abi} ? 'abi' :
				   !$it->{doc} ? 'undoc' : $k;
			print "$kind $it->{name} $h->{group}\n";
		}
	}
	exit 0;
}

# ---- man pages ------------------------------------------------------------

# roff-escaped text (no formatting of its own).
sub esc {
	my ($t) = @_;
	$t =~ s/\\/\\e/g;
	$t =~ s/-/\\-/g;
	$t =~ s/^([.'])/\\&$1/;
	return $t;
}

# Words of API names in bold, @params in italics.
sub inline_fmt {
	my ($t, $known) = @_;
	$t = esc($t);
	$t =~ s/\@(\w+)/\\fI$1\\fP/g;
	$t =~ s/\b((?:ud|UD|UIODMA)_\w+)(\(\))?/
		($known->{$1} ? "\\fB$1\\fP" : $1) . ($2 \/\/ '')/ge;
	return $t;
}

# A block of doc lines: paragraphs, and tab-indented code as no-fill.
sub body {
	my ($lines, $known) = @_;
	my ($out, $in_code, $para) = ('', 0, 0);
	for my $l (@$lines) {
		if ($l =~ /^(\t| {2,}\S)/ || ($in_code && $l eq '' )) {
			if (!$in_code) {
				$out .= ".PP\n.RS 4\n.nf\n";
				$in_code = 1;
			}
			(my $c = $l) =~ s/^\t//;
			$c =~ s/\t/        /g;
			$out .= esc($c) . "\n";
			next;
		}
		if ($in_code) {
			$out =~ s/\n+$/\n/;
			$out .= ".fi\n.RE\n";
			$in_code = 0;
			$para = 0;
		}
		if ($l eq '') {
			$para = 0;
			next;
		}
		if (!$para) {
			$out .= ".PP\n";
			$para = 1;
		}
		(my $t = $l) =~ s/^\s+//;
		$out .= inline_fmt($t, $known) . "\n";
	}
	$out .= ".fi\n.RE\n" if $in_code;
	return $out;
}

# Split a function's doc into summary, params and the rest.
sub split_doc {
	my ($doc) = @_;
	my @l = @$doc;
	my $head = shift @l // '';
	# a summary may run on over the next lines, up to the first @param
	while (@l && $l[0] ne '' && $l[0] !~ /^\@\w+:/) {
		$head .= ' ' . shift @l;
	}
	my ($summary) = $head =~ /^\S.*?\)\s+-\s+(.*)$/;
	($summary) = $head =~ /^\S.*?\s+-\s+(.*)$/ unless defined $summary;
	$summary //= $head;
	# "@a: x.  @b: y." on one line: one parameter each
	@l = map { $_ eq '' ? '' : split /(?<=\.)\s+(?=\@\w+:)/ } @l;
	my @params;
	while (@l && $l[0] =~ /^\@([\w.]+):\s*(.*)$/) {
		shift @l;
		my ($p, $t) = ($1, $2);
		while (@l && $l[0] ne '' && $l[0] !~ /^\@[\w.]+:/) {
			(my $c = shift @l) =~ s/^\s+//;
			$t .= " $c";
		}
		push @params, [$p, $t];
	}
	shift @l while @l && $l[0] eq '';
	return ($summary, \@params, \@l);
}

sub synopsis_decl {
	my ($d) = @_;
	$d =~ s{/\*.*?\*/}{}gs;
	$d =~ s/[ \t]+$//mg;
	$d =~ s/\t/        /g;
	return join('', map { esc($_) . "\n" } split /\n/, $d);
}

my $date = '';
if ($ENV{SOURCE_DATE_EPOCH}) {
	my @t = gmtime($ENV{SOURCE_DATE_EPOCH});
	$date = sprintf('%04d-%02d-%02d', $t[5] + 1900, $t[4] + 1, $t[3]);
}
my %known;
for my $h (@hdrs) {
	$known{$_->{name}} = 1 for grep { $_->{name} } @{$h->{items}};
}
my @groups = map { $_->{group} } @hdrs;
mkdir $outdir;
mkdir "$outdir/man3";

for my $h (@hdrs) {
	my $g = $h->{group};
	my @items = @{$h->{items}};
	my @funcs = grep { ($_->{kind} eq 'func' || $_->{kind} eq 'inline') &&
			   !$_->{abi} && $_->{name} !~ /__/ } @items;
	my @abi = grep { $_->{abi} } @items;
	my @types = grep { $_->{kind} =~ /^(struct|enum|union|macro)$/ } @items;
	my $intro = $h->{intro};
	my $what = @$intro ? $intro->[0] : $g;
	$what =~ s/\.$//;
	$what =~ s/^\S+\s+-\s+//;
	my $page = '';
	$page .= ".\\\" Generated by scripts/apidoc.pl from $h->{path}; do not edit.\n";
	$page .= ".TH " . uc($g) . " 3 \"$date\" \"libuiodma $version\" \"libuiodma Manual\"\n";
	$page .= ".SH NAME\n" . join(', ', map { esc($_) } $g eq 'libuiodma' ?
		('libuiodma') : ($g, grep { $_ ne $g } map { $_->{name} } @funcs)) .
		" \\- " . esc(lcfirst $what) . "\n";
	$page .= ".SH LIBRARY\nlibuiodma (\\fI\\-luiodma\\fP; " .
		"\\fBpkg\\-config \\-\\-cflags \\-\\-libs uiodma\\fP)\n";
	$page .= ".SH SYNOPSIS\n.nf\n.B #include <uiodma.h>\n";
	for my $f (@funcs) {
		$page .= ".PP\n" . synopsis_decl($f->{proto});
	}
	$page .= ".fi\n";
	$page .= ".SH DESCRIPTION\n" . body([@$intro[1 .. $#$intro]], \%known)
		if @$intro > 1;
	if ($g eq 'libuiodma') {
		$page .= ".PP\nEach area has a page of its own: " .
			join(', ', map { "\\fB$_\\fP(3)" } grep { $_ ne $g } @groups) .
			".\n";
	}
	for my $f (@funcs) {
		next if $f->{doc_shared};
		$page .= ".SS " . join(', ', map { "$_()" }
			@{$f->{doc_names} // [$f->{name}]}) . "\n";
		if (!$f->{doc}) {
			$page .= "Not documented in the header yet.\n";
			next;
		}
		my ($sum, $params, $rest) = split_doc($f->{doc});
		$page .= inline_fmt(ucfirst $sum, \%known) . "\n";
		for my $p (@$params) {
			$page .= ".TP\n.I " . esc($p->[0]) . "\n" .
				inline_fmt($p->[1], \%known) . "\n";
		}
		$page .= body($rest, \%known);
	}
	if (@types) {
		$page .= ".SH DEFINITIONS\n";
		for my $t (@types) {
			if ($t->{doc}) {
				my @d = @{$t->{doc}};
				$page .= body(\@d, \%known);
			}
			$page .= ".PP\n.RS 4\n.nf\n" . join('', map {
				(my $x = $_) =~ s/\t/        /g; esc($x) . "\n"
			} split /\n/, $t->{decl}) . ".fi\n.RE\n";
		}
	}
	if (@abi) {
		$page .= ".SH ABI-ONLY SYMBOLS\n" .
			"The library exports these only because the inline " .
			"functions above call or read them; they are part of " .
			"the ABI (versioned like the rest), not of the API: " .
			"do not use them directly.\n";
		my $why = 'Used by the inline functions.';
		for my $a (@abi) {
			# a comment above several declarations is for each of them
			$why = inline_fmt(join(' ', @{$a->{plain}}), \%known)
				if $a->{plain};
			$page .= ".TP\n.B " . esc($a->{name}) . "\n$why\n";
		}
	}
	$page .= ".SH ERRORS\nA function that fails returns what its \\fBReturn\\fP " .
		"paragraph says, sets \\fIerrno\\fP and records a message for the " .
		"calling thread, naming the cause and the fix: see \\fBud_errmsg\\fP(3).\n"
		unless $g eq 'ud_barrier' || $g eq 'ud_version';
	$page .= ".SH SEE ALSO\n" . join(",\n", map { "\\fB$_\\fP(3)" }
		grep { $_ ne $g } @groups) . ",\n\\fBuiodma\\fP(1), \\fBuio_dma\\fP(4)\n";
	open(my $o, '>', "$outdir/man3/$g.3") or die "$outdir/man3/$g.3: $!\n";
	print $o $page;
	close $o;
	for my $f (@funcs, @abi) {
		next if $f->{name} eq $g;
		open(my $l, '>', "$outdir/man3/$f->{name}.3") or die "$!\n";
		print $l ".so man3/$g.3\n";
		close $l;
	}
}
