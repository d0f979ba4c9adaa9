#!/usr/bin/env bash
# render.sh regenerates the bundled IVR prompts in en/ and es/.
#
# Each prompt is synthesised with espeak-ng, then converted by sox to the
# format callgate plays: 8 kHz, mono, 16-bit signed PCM WAV. Leading and
# trailing silence is trimmed and replaced by digital silence, 20 ms (one
# RTP frame) before the speech and 50 ms after, and peaks are normalised
# to -3 dBFS. The short lead is for latency: a prompt's first frame is
# silent and its second carries speech, so a caller hears the next prompt
# one frame after it starts. hold_music is synthesised by sox alone.
#
# The prompt texts live below, one `render NAME "text"` line each: edit a
# line and re-run this script (from anywhere) to re-render. Requires
# espeak-ng and sox (Debian: apt-get install espeak-ng sox).
set -euo pipefail

readonly SPEED=155      # espeak-ng words per minute
readonly PEAK_DB=-3     # speech peak level, dBFS
readonly HOLD_DB=-20    # hold music peak level, dBFS
readonly LEAD_S=0.02    # silence before speech, seconds (one 20 ms frame)
readonly TAIL_S=0.05    # silence after speech, seconds
readonly TRIM_DB=-45d   # level below which leading/trailing audio is silence

for tool in espeak-ng sox; do
	command -v "$tool" >/dev/null || { echo "render.sh: $tool not found" >&2; exit 1; }
done

cd "$(dirname "${BASH_SOURCE[0]}")"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

lang=""
voice=""

# language DIR VOICE: render the following prompts into DIR/ with VOICE.
language() {
	lang="$1"
	voice="$2"
	mkdir -p "$lang"
}

# to_8k IN OUT [EFFECT...]: convert IN to 8 kHz mono 16-bit PCM, applying
# the given sox effects before resampling. -D: no dither, so silence stays
# digital zero.
to_8k() {
	local in="$1" out="$2"
	shift 2
	sox -D "$in" -r 8000 -c 1 -b 16 -e signed-integer "$out" "$@" rate -v 8000
}

# render NAME TEXT: speak TEXT into $lang/NAME.wav.
render() {
	local name="$1" text="$2"
	espeak-ng -v "$voice" -s "$SPEED" -w "$tmp/speech.wav" "$text"
	# silence/reverse/silence/reverse trims both ends; pad adds the margins.
	to_8k "$tmp/speech.wav" "$tmp/trimmed.wav" \
		silence 1 0.01 "$TRIM_DB" reverse silence 1 0.01 "$TRIM_DB" reverse
	sox -D "$tmp/trimmed.wav" "$lang/$name.wav" norm "$PEAK_DB" pad "$LEAD_S" "$TAIL_S"
	echo "$lang/$name.wav: $(soxi -D "$lang/$name.wav") s"
}

# hold_music NAME: 10 s of soft sine chords (C, Am, F, G; 2.5 s each) with
# gentle fades so the loop restarts smoothly, peaking at HOLD_DB.
hold_music() {
	local name="$1" i=0 chord
	local chords=(
		"261.63 329.63 392.00"
		"220.00 261.63 329.63"
		"174.61 220.00 261.63"
		"196.00 246.94 293.66"
	)
	local parts=()
	for chord in "${chords[@]}"; do
		local tones=()
		for f in $chord; do
			tones+=(sine "$f")
		done
		sox -D -n -r 8000 -b 16 -c 3 "$tmp/chord$i.wav" \
			synth 2.5 "${tones[@]}" remix - fade q 0.4 2.5 0.6
		parts+=("$tmp/chord$i.wav")
		i=$((i + 1))
	done
	sox -D "${parts[@]}" -r 8000 -c 1 -b 16 -e signed-integer "$lang/$name.wav" norm "$HOLD_DB"
	echo "$lang/$name.wav: $(soxi -D "$lang/$name.wav") s"
}

language en en-us
render welcome "Welcome to callgate. This call may be recorded for quality and training."
render consent "To allow this call to be recorded, press 1. To decline, press 2."
render consent_thanks "Thank you."
render role "If you are the patient, press 1. If you are calling for someone else, press 2."
render enter_member_id "Please enter the eight digit member I D, followed by the pound key."
render enter_dob "Please enter the date of birth as eight digits: two for the month, two for the day, and four for the year."
render enter_pin "Please enter your four digit PIN, followed by the pound key."
render enter_rep_code "Please enter your four digit representative code, followed by the pound key."
render invalid "Sorry, that entry was not valid."
render not_verified "We could not verify those details."
render verify_failed_transfer "We will connect you with someone who can help."
render verified "Thank you. You have been verified."
render purpose "For scheduling, press 1. For billing, press 2. For pharmacy, press 3. For the nurse line, press 4."
render no_input "Sorry, I did not hear a response."
render connecting "Please hold while we connect you."
render queue_position "You are next in line."
for n in 2 3 4 5 6 7 8 9; do
	render "queue_position_$n" "You are number $n in line."
done
render queue_position_many "There are more than nine callers ahead of you."
render callback_offer "All of our representatives are still busy. To have us call you back, press 1. To keep holding, press 2."
render callback_confirm "Thank you. We will call you back on the number we have on file for you."
render callback_confirm_caller "Thank you. We will call you back on the number you are calling from."
render all_busy "All of our representatives are busy. Please call again later."
render goodbye "Thank you for calling. Goodbye."
render language "For English, press 1. Para espanol, oprima 2."
render after_hours "Our office is closed. Please call back during business hours, or hang up and dial 9 1 1 if this is an emergency."
render refill_enter_rx "Please enter your prescription number, followed by the pound key."
render refill_confirm "Your refill request has been received."
render otp_sending_sms "We are sending a one time code by text message to the phone number we have on file. Please hold."
render otp_sending_call "We are calling the phone number we have on file with a one time code. Please hold."
render enter_otp "Please enter the code we sent you, followed by the pound key."
render otp_expired "That code has expired. To get a new code, press 1."
hold_music hold_music

language es es
render welcome "Bienvenido a callgate. Esta llamada puede ser grabada para control de calidad y capacitación."
render consent "Para permitir que esta llamada sea grabada, oprima 1. Para rechazar, oprima 2."
render role "Si usted es el paciente, oprima 1. Si llama por otra persona, oprima 2."
render goodbye "Gracias por llamar. Adiós."
render language "Para español, oprima 2. Para inglés, oprima 1."
